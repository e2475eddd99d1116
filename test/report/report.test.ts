import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportRow } from '../../src/report/types.js';
import { DateTime } from 'luxon';
import { DAY, DAY0, simulate } from './simulation.js';

type Sim = Awaited<ReturnType<typeof simulate>>;
type Counts = { sent: number; opened: number; humanOpened: number; clicked: number; humanClicked: number; converted: number };

const OPEN_OR_CLICK = new Set(['email_opened', 'email_clicked']);

/**
 * The report's numbers against an independent count: the sends and their events read with plain
 * SQL written here (a join, not the report's per-message flags), grouped in the test.
 */
function independentCounts(sim: Sim, from: number, to: number, keyOf: (s: { sequence: string; step: string; force: string; sentAt: number }) => string) {
  const sends = sim.db
    .prepare(`SELECT id, lead_id AS lead, sequence_id AS sequence, step_id AS step, force, sent_at AS sentAt FROM sends WHERE status = 'sent' AND sent_at >= ? AND sent_at < ?`)
    .all(from, to) as { id: number; lead: number; sequence: string; step: string; force: string; sentAt: number }[];
  const events = sim.db
    .prepare('SELECT e.send_id AS sendId, e.type, e.signal FROM events e JOIN sends s ON s.id = e.send_id WHERE s.sent_at >= ? AND s.sent_at < ?')
    .all(from, to) as { sendId: number; type: string; signal: string }[];
  const meetings = sim.db
    .prepare(
      `SELECT g.lead_id AS lead, (SELECT s.id FROM sends s WHERE s.lead_id = g.lead_id AND s.status = 'sent' AND s.sent_at <= g.occurred_at
         AND s.sent_at >= g.occurred_at - 14 * 86400000 ORDER BY s.sent_at DESC, s.id DESC LIMIT 1) AS sendId
       FROM events g WHERE g.type = 'meeting_booked'`,
    )
    .all() as { lead: number; sendId: number | null }[];
  const byId = new Map(sends.map((s) => [s.id, s]));
  const sets = new Map<string, { sent: number; sets: Record<keyof Omit<Counts, 'sent'>, Set<number>> }>();
  const group = (k: string) => {
    let g = sets.get(k);
    if (!g) sets.set(k, (g = { sent: 0, sets: { opened: new Set(), humanOpened: new Set(), clicked: new Set(), humanClicked: new Set(), converted: new Set() } }));
    return g;
  };
  for (const s of sends) group(keyOf(s)).sent++;
  for (const e of events) {
    const s = byId.get(e.sendId)!;
    const g = group(keyOf(s));
    if (OPEN_OR_CLICK.has(e.type)) g.sets.opened.add(s.lead);
    if (OPEN_OR_CLICK.has(e.type) && e.signal === 'human') g.sets.humanOpened.add(s.lead);
    if (e.type === 'email_clicked') g.sets.clicked.add(s.lead);
    if (e.type === 'email_clicked' && e.signal === 'human') g.sets.humanClicked.add(s.lead);
  }
  for (const m of meetings) {
    const s = m.sendId === null ? undefined : byId.get(m.sendId);
    if (s) group(keyOf(s)).sets.converted.add(m.lead);
  }
  const out = new Map<string, Counts>();
  for (const [k, g] of sets)
    out.set(k, { sent: g.sent, ...Object.fromEntries(Object.entries(g.sets).map(([n, set]) => [n, set.size])) } as Counts);
  return out;
}

const countsOfRow = (r: ReportRow): Counts => ({ sent: r.sent, opened: r.opened, humanOpened: r.humanOpened, clicked: r.clicked, humanClicked: r.humanClicked, converted: r.converted });

describe('nurture report over a seeded simulation of four weeks through the real link endpoints', () => {
  let sim: Sim;
  const from = DAY0;
  let to: number;
  const report = async (...args: string[]) => {
    const r = await sim.cli('report', '--json', '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), ...args);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Report;
  };

  beforeAll(async () => {
    sim = await simulate({ leads: 120, weeks: 4, seed: 20261102 });
    to = sim.end;
  }, 240_000);
  afterAll(() => sim?.close());

  it('classifies what the simulation did: people as human, machines apart', () => {
    const rows = sim.db
      .prepare("SELECT send_id AS sendId, max(signal = 'human') AS human, max(signal = 'machine') AS machine FROM events WHERE send_id IS NOT NULL AND type IN ('email_opened', 'email_clicked') GROUP BY send_id")
      .all() as { sendId: number; human: number; machine: number }[];
    const human = new Set(rows.filter((r) => r.human).map((r) => r.sendId));
    const machine = new Set(rows.filter((r) => r.machine).map((r) => r.sendId));
    expect(human).toEqual(new Set([...sim.truth.humanOpened, ...sim.truth.humanClicked]));
    expect(machine).toEqual(sim.truth.machineTouched);
    expect(sim.truth.machineTouched.size).toBeGreaterThan(30);
    const reasons = (sim.db.prepare("SELECT DISTINCT signal_reason AS r FROM events WHERE signal <> ''").pluck().all() as string[]).sort();
    expect(reasons).toEqual(
      expect.arrayContaining([
        'Apple Mail Privacy Protection proxy (fetches every image, read or not)',
        'Gmail image proxy (fetches when the reader opens)',
        'a HEAD request (link checkers ask for headers; people follow the link)',
        'image prefetch: Mimecast user agent',
        'scanner click: several links clicked within the same second',
        expect.stringMatching(/^machine open: images fetched 4 s after delivery/),
        expect.stringMatching(/^scanner click: 6 s after delivery/),
      ]),
    );
    expect(sim.db.prepare("SELECT count(*) FROM events WHERE type IN ('email_opened', 'email_clicked') AND properties LIKE '%127.0.0.1%'").pluck().get()).toBe(0);
  });

  it.each([
    ['sequence', (s: { sequence: string }) => s.sequence, (r: ReportRow) => r.sequence!],
    ['step', (s: { sequence: string; step: string }) => `${s.sequence}/${s.step}`, (r: ReportRow) => `${r.sequence}/${r.step}`],
    ['force', (s: { force: string }) => s.force, (r: ReportRow) => r.force!],
    ['week', (s: { sentAt: number }) => DateTime.fromMillis(s.sentAt, { zone: 'utc' }).startOf('week').toISODate()!, (r: ReportRow) => r.week!],
  ] as const)('counts by %s as the independent SQL does', async (by, keyOf, rowKey) => {
    const json = await report('--by', by);
    const expected = independentCounts(sim, from, to, keyOf as (s: { sequence: string; step: string; force: string; sentAt: number }) => string);
    const got = new Map(json.rows.filter((r) => r.sent > 0).map((r) => [rowKey(r), countsOfRow(r)]));
    expect(got).toEqual(expected);
    const all = independentCounts(sim, from, to, () => 'all').get('all')!;
    expect(countsOfRow(json.totals)).toEqual(all);
    expect(json.totals.humanOpened).toBeLessThan(json.totals.opened);
  });

  it('gives every rate its Wilson interval and denominator, and the JSON shape of DESIGN.md', async () => {
    const json = await report('--by', 'sequence');
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['from', 'to', 'by', 'rows', 'totals']));
    const row = json.rows.find((r) => r.sequence === 'new-signups')!;
    for (const key of ['sequence', 'sent', 'opened', 'humanOpened', 'clicked', 'humanClicked', 'unsubscribed', 'converted']) expect(row).toHaveProperty(key);
    const rate = row.rates.humanClick;
    expect(rate.denominator).toBe(row.delivered === row.sent ? row.leads : rate.denominator);
    expect(rate.successes).toBe(row.humanClicked);
    expect(rate.low!).toBeLessThanOrEqual(rate.rate!);
    expect(rate.high!).toBeGreaterThanOrEqual(rate.rate!);
    expect(row.rates.clickToOpen).toMatchObject({ successes: row.humanClicked, denominator: row.humanOpened });
    expect(row.medianTimeToConversionHours).toBeGreaterThan(0);
    expect(row.p90TimeToConversionHours!).toBeGreaterThanOrEqual(row.medianTimeToConversionHours!);
  });

  it('keeps a stable 20% holdout out of new-signups and reports the lift over it', async () => {
    const rows = sim.db
      .prepare("SELECT l.email, e.reason LIKE 'holdout%' AS held FROM enrollments e JOIN leads l ON l.id = e.lead_id WHERE e.sequence_id = 'new-signups'")
      .all() as { email: string; held: number }[];
    const held = rows.filter((r) => r.held);
    const share = held.length / rows.length;
    // 120 leads: the standard error of a 20% share is 3.7 points; three of them either side.
    expect(Math.abs(share - 0.2)).toBeLessThan(0.11);
    const heldOutSends = sim.db
      .prepare("SELECT count(*) FROM sends s JOIN enrollments e ON e.lead_id = s.lead_id AND e.sequence_id = 'new-signups' WHERE e.reason LIKE 'holdout%'")
      .pluck()
      .get();
    expect(heldOutSends).toBe(0);
    const json = await report('--by', 'sequence');
    const row = json.rows.find((r) => r.sequence === 'new-signups')!;
    expect(row.holdout).toMatchObject({ heldOut: held.length, treated: rows.length - held.length });
    expect(row.holdout!.low!).toBeLessThanOrEqual(row.holdout!.lift!);
    expect(row.holdout!.high!).toBeGreaterThanOrEqual(row.holdout!.lift!);
    // The forecast plans nothing for them either (the same planner, the same hash).
    const calendar = await sim.cli('calendar', '--days', '30', '--json');
    const planned = new Set((JSON.parse(calendar.stdout) as { items: { lead: string }[] }).items.map((i) => i.lead));
    for (const h of held) expect(planned.has(h.email), h.email).toBe(false);
  });

  it('prints a table and CSV, and refuses a bad --by or window with a clear message', async () => {
    const table = await sim.cli('report', '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString());
    expect(table.stdout).toContain('human opened');
    expect(table.stdout).toMatch(/new-signups\s+\d+\s+\d+/);
    const csv = await sim.cli('report', '--format', 'csv', '--by', 'force', '--from', new Date(from).toISOString());
    expect(csv.stdout.split('\n')[0]).toMatch(/^force,enrolled,sent,leads,delivered,/);
    const segment = await sim.cli('report', '--by', 'segment');
    expect(segment.status).toBe(1);
    expect(segment.stderr).toBe('nurture: --by segment: this workspace defines no segments to group by (nurture.yaml: segments); use --by sequence, step, force or week');
    const backwards = await sim.cli('report', '--from', '2026-12-01', '--to', '2026-11-01');
    expect(backwards.status).toBe(1);
    expect(backwards.stderr).toContain('--from: 2026-12-01 is not before --to');
  });

  it('says in explain that machine signals are set apart, and reclassify restores what was kept', async () => {
    const email = sim.db
      .prepare("SELECT l.email FROM events e JOIN leads l ON l.id = e.lead_id WHERE e.signal = 'machine' ORDER BY e.id LIMIT 1")
      .pluck()
      .get() as string;
    const explain = JSON.parse((await sim.cli('explain', email, '--json')).stdout) as { machineSignals: { note: string; count: number }; events: { type: string }[] };
    expect(explain.machineSignals.count).toBeGreaterThan(0);
    expect(explain.machineSignals.note).toMatch(/^score, unopened streak, hot cadence and sunset count human opens and clicks only/);
    const before = sim.db.prepare('SELECT id, signal, signal_reason FROM events ORDER BY id').all();
    const signals = sim.db.prepare("SELECT count(*) FROM events WHERE type IN ('email_opened', 'email_clicked')").pluck().get() as number;
    sim.app.conn.sqlite.exec("UPDATE events SET signal = 'human', signal_reason = 'wrong'  WHERE type IN ('email_opened', 'email_clicked')");
    const result = await sim.cli('events', 'reclassify', '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ examined: signals, changed: signals });
    expect(sim.db.prepare('SELECT id, signal, signal_reason FROM events ORDER BY id').all()).toEqual(before);
    expect(to - from).toBe(28 * DAY);
  });
});
