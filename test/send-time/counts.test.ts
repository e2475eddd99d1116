import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { EventStore, type EventInput } from '../../src/db/events.js';
import { LeadStore } from '../../src/db/leads.js';
import { readSendTimeCounts } from '../../src/db/send-time-counts.js';
import { SendTimeModel } from '../../src/domain/send-time/model.js';
import { localTimeToInstant, ZoneDays } from '../../src/time/zone-days.js';
import { TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * The once-per-run read of send-time's counts, with segments, on a real SQLite database: leads and
 * events stored as the importers store them, the expected groups worked out in SQL here.
 */
const TUE = 20_424; // 2025-12-02, a Tuesday
const TUE_15 = 24 + 15;
const NOW = Date.parse('2025-12-10T12:00:00Z');

describe('readSendTimeCounts: segment groups from one pass over the engaged leads', () => {
  const ws = tempWorkspace();
  appendFileSync(
    join(ws.dir, 'nurture.yaml'),
    `
segments:
  apac: { where: [{ field: country, in: [JP, IN] }] }
  software: { where: [{ field: industry, in: [SaaS, Software] }] }
  openers: { did: [{ event: email_opened }] }
sendTime: { optimize: true }
`,
  );
  const app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test' }, clock: new TestClock(NOW) });
  afterAll(() => {
    app.close();
    ws.cleanup();
  });
  const leads = new LeadStore(app.conn.sqlite);
  const people = [
    // email, country, industry, zone, human opens at Tue 15:20 local, machine opens
    ['a1@a.example', 'JP', 'Retail', 'Asia/Tokyo', 3, 0],
    ['a2@b.example', 'IN', 'Retail', 'Asia/Kolkata', 2, 4],
    ['b1@c.example', 'JP', 'SaaS', 'Asia/Tokyo', 1, 0],
    ['s1@d.example', 'US', 'Software', 'America/New_York', 5, 0],
    ['n1@e.example', 'US', 'Retail', 'America/Chicago', 4, 0],
    ['q1@f.example', 'JP', 'Retail', 'Asia/Tokyo', 0, 2],
    ['z1@g.example', 'JP', 'SaaS', 'Asia/Tokyo', 0, 0],
  ] as const;
  leads.upsertBatch(
    people.map(([email, country, industry, timezone]) => ({ lead: { email, country, industry, timezone, consent: 'confirmed' as const, attributes: {} }, evidence: 'test' })),
    NOW,
  );
  const events: EventInput[] = [];
  for (const [email, , , zone, human, machine] of people) {
    const leadId = leads.findByEmail(email)!.id;
    for (let i = 0; i < human + machine; i++) {
      const at = localTimeToInstant(zone, TUE - 7 * i, 15 * 60 + 20);
      events.push({ leadId, type: 'email_opened', occurredAt: at, url: '', properties: {}, dedupeKey: `${email}-${i}`, source: 'test', ...(i >= human ? { signal: 'machine' as const, signalReason: 'test' } : {}) });
    }
    // Page views are no opens or clicks: never counted.
    events.push({ leadId, type: 'page_viewed', occurredAt: localTimeToInstant(zone, TUE, 9 * 60), url: '/pricing', properties: {}, dedupeKey: `${email}-pv`, source: 'test' });
  }
  new EventStore(app.conn.sqlite).insertBatch(events, NOW);
  const segments = app.workspace.policy.sendTime!.segments!;
  const counts = readSendTimeCounts(app.conn.sqlite, new ZoneDays(), app.workspace.policy.defaultZone, segments);

  it('keeps only the segments decided by fields: the behavioural one is left out', () => {
    expect(segments.map((s) => s.name)).toEqual(['apac', 'software']);
  });

  it('counts each engaged lead in the group of exactly its segments, human opens only, as SQL says', () => {
    const sql = (where: string) =>
      app.conn.sqlite
        .prepare(
          `SELECT count(DISTINCT l.id) AS leads, count(*) AS opens FROM events e JOIN leads l ON l.id = e.lead_id
           WHERE e.type IN ('email_opened', 'email_clicked') AND e.signal = 'human' AND ${where}`,
        )
        .get() as { leads: number; opens: number };
    const expected = [
      [['apac'], sql("l.country IN ('JP', 'IN') AND l.industry NOT IN ('SaaS', 'Software')")],
      [['apac', 'software'], sql("l.country IN ('JP', 'IN') AND l.industry IN ('SaaS', 'Software')")],
      [['software'], sql("l.country NOT IN ('JP', 'IN') AND l.industry IN ('SaaS', 'Software')")],
    ] as const;
    expect(expected.map(([, e]) => e)).toEqual([
      { leads: 2, opens: 5 },
      { leads: 1, opens: 1 },
      { leads: 1, opens: 5 },
    ]);
    const groups = counts.segmentGroups!;
    expect(groups.map((g) => ({ segments: g.segments, leads: g.leads, opens: g.counts.total })).sort((x, y) => x.segments.join().localeCompare(y.segments.join()))).toEqual(
      expected.map(([segments, e]) => ({ segments, leads: e.leads, opens: e.opens })),
    );
    // Every open fell on Tue 15:00–16:00 in its lead's own zone.
    for (const g of groups) expect(g.counts.bins[TUE_15]).toBe(g.counts.total);
    expect(counts.workspace.total).toBe(sql('1 = 1').opens);
    expect(counts.workspace.bins[TUE_15]).toBe(15);
  });

  it("pools a lead's segments as their union, no lead counted twice, and needs two engaged leads", () => {
    const model = new SendTimeModel(app.workspace.policy.sendTime!, counts);
    const profile = (email: string) => leads.findByEmail(email)!;
    // z1 is in apac and software: apac alone (5) + both (1) + software alone (5).
    expect(model.segmentPoolOf(profile('z1@g.example'))).toMatchObject({ label: 'apac + software', counts: { total: 11 } });
    expect(model.segmentPoolOf(profile('q1@f.example'))).toMatchObject({ label: 'apac', counts: { total: 6 } });
    // software alone: b1 (in both) and s1: two leads, 6 opens.
    expect(model.segmentPoolOf({ ...profile('s1@d.example'), email: 'new@h.example' })).toMatchObject({ label: 'software', counts: { total: 6 } });
    expect(model.segmentPoolOf(profile('n1@e.example'))).toBeUndefined();
    const lonely = new SendTimeModel(app.workspace.policy.sendTime!, { ...counts, segmentGroups: counts.segmentGroups!.filter((g) => g.segments.join() === 'software') });
    expect(lonely.segmentPoolOf(profile('s1@d.example'))).toBeUndefined();
  });
});
