import { describe, expect, it } from 'vitest';
import { chooseSlot, inSendTimeHoldout } from '../../src/domain/send-time/choose.js';
import { hourOfWeek, hourOfWeekLabel } from '../../src/domain/send-time/hour-of-week.js';
import { emptyCounts, leadHourCounts, PSEUDO_COUNTS, SendTimeModel } from '../../src/domain/send-time/model.js';
import { shrink, WEEKDAY_POOLING } from '../../src/domain/send-time/shrink.js';
import { candidateSlots } from '../../src/domain/send-time/slots.js';
import type { HourCounts, SendTimeSettings } from '../../src/domain/send-time/types.js';
import type { LeadEvent } from '../../src/domain/types.js';
import { HolidayCalendar } from '../../src/time/holidays.js';
import { ZoneDays } from '../../src/time/zone-days.js';
import { segmentsSchema } from '../../src/workspace/conditions/schema.js';
import { sendTimeSettings } from '../../src/workspace/send-time-schema.js';
import { HOUR, profile } from '../domain/fixtures.js';

const TUE_08 = 24 + 8;
const settings: SendTimeSettings = { optimize: true, maxDelay: { businessDays: 1 }, maxDelayText: 'P1D', explore: 0, holdout: 0 };
const counts = (cells: Record<number, number>): HourCounts => {
  const c = emptyCounts();
  for (const [bin, n] of Object.entries(cells)) {
    c.bins[Number(bin)] = n;
    c.total += n;
  }
  return c;
};
const windows = () => ({
  window: { days: [1, 2, 3, 4, 5], fromMinute: 9 * 60, toMinute: 17 * 60 },
  holidays: new HolidayCalendar(),
  zoneDays: new ZoneDays(),
});
const berlin = { zone: 'Europe/Berlin', country: 'DE' };

describe('the send-time model: hierarchical shrinkage with pinned numbers', () => {
  it('shrinks a lead toward its domain by the worked example: (0.5 × 5 + 0.5 × 5 / 7 + 10 × 0.10) / (7 + 10)', () => {
    expect(WEEKDAY_POOLING).toBe(0.5);
    const parent = new Float64Array(168).fill(0.9 / 167);
    parent[TUE_08] = 0.1;
    const theta = shrink(counts({ [TUE_08]: 5, 40: 2 }), parent, PSEUDO_COUNTS.lead);
    expect(theta[TUE_08]).toBeCloseTo((2.5 + 2.5 / 7 + 1) / 17, 12);
    expect(theta[TUE_08]).toBeCloseTo(0.226891, 6);
    // The same hour on Wednesday gets the pooled half of Tuesday's five: (0.5 × 5 / 7 + 10 × parent) / 17.
    expect(theta[48 + 8]).toBeCloseTo((2.5 / 7 + 10 * (0.9 / 167)) / 17, 12);
    expect(theta[40]).toBeCloseTo((1 + 1 / 7 + 10 * (0.9 / 167)) / 17, 12);
    expect(theta.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('pins each level: an empty workspace is the flat week; a domain and a lead pull toward their own hours', () => {
    const empty = new SendTimeModel(settings, { workspace: emptyCounts(), domains: new Map() });
    expect(empty.workspace[0]).toBeCloseTo(1 / 168, 15);
    const model = new SendTimeModel(settings, {
      workspace: counts({ [TUE_08]: 24, 50: 24 }),
      domains: new Map([['acme.example', counts({ 50: 20 })]]),
    });
    // workspace: (0.5 × 24 + 0.5 × 24 / 7 + 24/168) / (48 + 24)
    expect(model.workspace[TUE_08]).toBeCloseTo((12 + 12 / 7 + 24 / 168) / 72, 12);
    expect(model.workspace[TUE_08]).toBeCloseTo(0.192460, 6);
    const domain = model.propensity('bo@acme.example', undefined);
    expect(domain.level).toBe('domain');
    // domain: (0.5 × 20 + 0.5 × 20 / 7 + 20 × ws[50]) / (20 + 20) and (0 + 20 × ws[TUE_08]) / 40
    expect(domain.theta[50]).toBeCloseTo((10 + 10 / 7 + 20 * model.workspace[50]!) / 40, 12);
    expect(domain.theta[TUE_08]).toBeCloseTo(model.workspace[TUE_08]! / 2, 12);
    // a new lead at an unknown company gets the workspace as it is
    const fresh = model.propensity('cy@new.example', undefined);
    expect(fresh.level).toBe('workspace');
    expect(fresh.theta[TUE_08]).toBe(model.workspace[TUE_08]);
    // a personal address is pooled in no domain, even a counted one
    expect(model.domainOf('someone@gmail.com')).toBeUndefined();
    const lead = model.propensity('bo@acme.example', counts({ 100: 3 }));
    expect(lead.theta[100]).toBeCloseTo((1.5 + 1.5 / 7 + 10 * domain.theta[100]!) / 13, 12);
  });

  it('bins opens in the lead’s own zone, by the local hour of the week, and only those seen by now', () => {
    const zoneDays = new ZoneDays();
    const tue = Date.parse('2026-12-01T07:30:00Z'); // Tue 08:30 in Berlin
    expect(hourOfWeek(zoneDays, 'Europe/Berlin', tue)).toBe(TUE_08);
    expect(hourOfWeekLabel(TUE_08)).toBe('Tue 08:00–09:00');
    expect(hourOfWeek(zoneDays, 'Asia/Kolkata', tue)).toBe(24 + 13); // 13:00 IST
    const events: LeadEvent[] = [
      { type: 'email_opened', at: tue, url: '' },
      { type: 'page_viewed', at: tue + HOUR, url: '' },
      { type: 'email_clicked', at: tue + 2 * HOUR, url: '' },
    ];
    expect(leadHourCounts(zoneDays, 'Europe/Berlin', events, tue + HOUR)?.total).toBe(1);
    const all = leadHourCounts(zoneDays, 'Europe/Berlin', events, tue + 3 * HOUR)!;
    expect(all.total).toBe(2);
    expect(all.bins[TUE_08 + 2]).toBe(1);
  });
});

describe('slots and the choice', () => {
  it('offers the run ticks from the first open moment to one business day later (the worked example)', () => {
    const fri16 = Date.parse('2026-12-04T15:00:00Z'); // Fri 16:00 Berlin
    const slots = candidateSlots({ first: fri16, where: berlin, windows: windows(), runEveryMs: HOUR, settings });
    expect(slots.map((s) => hourOfWeekLabel(s.bin))).toEqual([
      'Fri 16:00–17:00',
      ...[9, 10, 11, 12, 13, 14, 15, 16].map((h) => `Mon ${String(h).padStart(2, '0')}:00–${String(h + 1).padStart(2, '0')}:00`),
    ]);
    expect(slots.at(-1)!.at).toBe(Date.parse('2026-12-07T15:00:00Z'));
  });

  it('skips a public holiday: Thu 24 Dec 16:00 in Germany reaches to Mon 28 Dec (25 and 26 Dec closed)', () => {
    const slots = candidateSlots({ first: Date.parse('2026-12-24T15:00:00Z'), where: berlin, windows: windows(), runEveryMs: HOUR, settings });
    const days = new Set(slots.map((s) => new Date(s.at).toISOString().slice(0, 10)));
    expect([...days]).toEqual(['2026-12-24', '2026-12-28']);
  });

  it('picks the lead’s hour with its evidence, the workspace prior for a new lead, and the first moment with no data', () => {
    const model = new SendTimeModel(settings, { workspace: counts({ [24 + 11]: 30, 2: 100 }), domains: new Map() });
    const first = Date.parse('2026-12-01T08:00:00Z'); // Tue 09:00 Berlin
    const base = { model, sequenceId: 's', stepId: 'a', where: berlin, windows: windows(), runEveryMs: HOUR, first, now: first };
    const tue14 = Date.parse('2026-12-01T13:20:00Z');
    const events: LeadEvent[] = [21, 14, 7].map((d) => ({ type: 'email_opened' as const, at: tue14 - d * 24 * HOUR, url: '' }));
    const own = chooseSlot({ ...base, email: 'ada@x.example', events });
    expect(own).toEqual({ at: Date.parse('2026-12-01T13:00:00Z'), reason: { rule: 'send-time', detail: 'Tue 14:00–15:00: 3 of 3 human opens and clicks' } });
    const fresh = chooseSlot({ ...base, email: 'bo@x.example', events: [] });
    expect(fresh.at).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(fresh.reason.detail).toBe('workspace prior: Tue 11:00–12:00: 30 of 130 human opens and clicks');
    const none = new SendTimeModel(settings, { workspace: emptyCounts(), domains: new Map() });
    expect(chooseSlot({ ...base, model: none, email: 'bo@x.example', events: [] })).toEqual({
      at: first,
      reason: { rule: 'send-time', detail: 'workspace prior: no human opens or clicks yet, first open moment' },
    });
    // Opens at 14:00 on Mondays only: pooled across weekdays, they place a Tuesday touch at 14:00 too.
    const mondays = events.map((e) => ({ ...e, at: e.at - 24 * HOUR }));
    expect(chooseSlot({ ...base, model: none, email: 'ada@x.example', events: mondays })).toEqual({
      at: Date.parse('2026-12-01T13:00:00Z'),
      reason: { rule: 'send-time', detail: 'Tue 14:00–15:00: 3 of 3 human opens and clicks at 14:00–15:00 on any day' },
    });
  });

  it('keeps a stable holdout at its share, and explores a seeded share of sends', () => {
    const model = new SendTimeModel({ ...settings, holdout: 0.1, explore: 0.2 }, { workspace: counts({ [24 + 11]: 30 }), domains: new Map() });
    const emails = Array.from({ length: 20_000 }, (_, i) => `lead${i}@x${i % 50}.example`);
    const held = emails.filter((e) => inSendTimeHoldout(model, e)).length / emails.length;
    expect(held).toBeGreaterThan(0.1 - 3 * Math.sqrt(0.09 / 20_000));
    expect(held).toBeLessThan(0.1 + 3 * Math.sqrt(0.09 / 20_000));
    const first = Date.parse('2026-12-01T08:00:00Z');
    const base = { model, sequenceId: 's', stepId: 'a', where: berlin, windows: windows(), runEveryMs: HOUR, first, now: first, events: [] };
    const treated = emails.filter((e) => !inSendTimeHoldout(model, e)).slice(0, 5000);
    const explored = treated.filter((email) => chooseSlot({ ...base, email }).reason.detail.startsWith('explore:')).length / treated.length;
    expect(explored).toBeGreaterThan(0.2 - 3 * Math.sqrt(0.16 / 5000));
    expect(explored).toBeLessThan(0.2 + 3 * Math.sqrt(0.16 / 5000));
    // The same lead, step and day draw the same slot in every run (and in the forecast).
    for (const email of treated.slice(0, 50)) expect(chooseSlot({ ...base, email, now: first + 3 * HOUR })).toEqual(chooseSlot({ ...base, email }));
  });
});

describe('the segment level: lead → domain → segment → workspace', () => {
  const segmentSettings = sendTimeSettings(
    { optimize: true, maxDelay: 'P1D', explore: 0, holdout: 0 },
    segmentsSchema.parse({ apac: { where: [{ field: 'country', in: ['JP'] }] }, software: { where: [{ field: 'industry', in: ['SaaS'] }] } }),
  );
  const group = (segments: string[], leads: number, cells: Record<number, number>) => ({ segments, leads, counts: counts(cells) });
  const model = new SendTimeModel(segmentSettings, {
    workspace: counts({ [TUE_08]: 60, 50: 20 }),
    domains: new Map([['acme.example', counts({ 40: 4 })]]),
    segmentGroups: [group(['apac'], 5, { 50: 12, [TUE_08]: 3 }), group(['apac', 'software'], 2, { 50: 3 }), group(['software'], 3, { 60: 6 })],
  });
  const jp = profile({ email: 'ken@new.example', country: 'JP', industry: 'Retail' });

  it('shrinks a segment toward the workspace, a domain toward the segment, with pinned numbers', () => {
    const p = model.propensity(jp.email, undefined, false, jp);
    expect(p.level).toBe('segment');
    // apac pools its own group and the one it shares with software: 15 of 20 at bin 50.
    expect(p.counts.total).toBe(18);
    expect(p.theta[50]).toBeCloseTo((7.5 + 7.5 / 7 + 20 * model.workspace[50]!) / (18 + 20), 12);
    expect(p.theta[TUE_08]).toBeCloseTo((1.5 + 1.5 / 7 + 20 * model.workspace[TUE_08]!) / 38, 12);
    expect(p.theta[50]).toBeCloseTo(0.3, 1);
    // A domain sits between the lead and its segment: (4 + 20 × segment share) / (4 + 20).
    const atAcme = { ...jp, email: 'ken@acme.example' };
    const d = model.propensity(atAcme.email, undefined, false, atAcme);
    expect(d.level).toBe('domain');
    expect(d.theta[40]).toBeCloseTo((2 + 2 / 7 + 20 * p.theta[40]!) / 24, 12);
    expect(d.theta[50]).toBeCloseTo((20 * p.theta[50]!) / 24, 12);
    // The same address without the segment (no profile, or a lead in none) shrinks toward the workspace.
    expect(model.propensity(atAcme.email, undefined).theta[50]).toBeCloseTo((20 * model.workspace[50]!) / 24, 12);
    const us = profile({ email: 'al@new.example', country: 'US', industry: 'Retail' });
    expect(model.propensity(us.email, undefined, false, us).level).toBe('workspace');
  });

  it('names the level that decided in the evidence: the segment, or the segments pooled', () => {
    const first = Date.parse('2026-12-01T08:00:00Z'); // Tue 09:00 Berlin
    const base = { sequenceId: 's', stepId: 'a', where: berlin, windows: windows(), runEveryMs: HOUR, first, now: first, events: [] };
    const tuesday = new SendTimeModel(segmentSettings, {
      workspace: counts({ [24 + 10]: 60 }),
      domains: new Map(),
      segmentGroups: [group(['apac'], 4, { [24 + 14]: 29 }), group(['apac', 'software'], 1, { [24 + 14]: 1 })],
    });
    const alone = chooseSlot({ ...base, model: tuesday, email: jp.email, profile: jp });
    expect(alone).toEqual({ at: Date.parse('2026-12-01T13:00:00Z'), reason: { rule: 'send-time', detail: 'Tue 14:00–15:00: 30 of 30 human opens and clicks in segment apac' } });
    const both = profile({ email: 'yu@new.example', country: 'JP', industry: 'SaaS' });
    expect(chooseSlot({ ...base, model: tuesday, email: both.email, profile: both }).reason.detail).toBe(
      'Tue 14:00–15:00: 30 of 30 human opens and clicks in segments apac + software',
    );
    const us = profile({ email: 'al@new.example', country: 'US', industry: 'Retail' });
    expect(chooseSlot({ ...base, model: tuesday, email: us.email, profile: us }).reason.detail).toBe('workspace prior: Tue 10:00–11:00: 60 of 60 human opens and clicks');
    // The lead's own hours still come first, once there are enough of them to outweigh the segment's.
    const tue16 = Date.parse('2026-12-01T15:20:00Z');
    // Two opens on each of the five Tuesdays before (all in CET): 10 of its own.
    const events: LeadEvent[] = [35, 28, 21, 14, 7].flatMap((d) => [0, 20].map((m) => ({ type: 'email_opened' as const, at: tue16 - d * 24 * HOUR + m * 60_000, url: '' })));
    expect(chooseSlot({ ...base, model: tuesday, email: jp.email, profile: jp, events }).reason.detail).toBe('Tue 16:00–17:00: 10 of 10 human opens and clicks');
  });
});
