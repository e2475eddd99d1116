import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/run/aggregate.js';
import { diffForecasts } from '../../src/run/diff.js';
import type { TouchItem } from '../../src/run/items.js';

const touch = (lead: string, sequence: string, step: string, force: string, at: string, rules: TouchItem['rules'] = []): TouchItem => ({
  lead,
  sequence,
  step,
  force,
  at,
  zone: 'America/New_York',
  rules,
});

const items: TouchItem[] = [
  touch('a@x.example', 'new-signups', 'pain', 'push', '2026-11-23T09:00:00-05:00', [{ rule: 'send-window', detail: 'outside the send window' }]),
  touch('b@x.example', 'new-signups', 'pain', 'push', '2026-11-23T10:00:00-05:00', [{ rule: 'due', detail: 'due under every rule' }]),
  touch('c@x.example', 'evaluators', 'roi', 'pull', '2026-11-24T09:00:00-05:00', [
    { rule: 'cap', detail: 'cap 1 per P1D' },
    { rule: 'send-window', detail: 'closed' },
  ]),
  touch('a@x.example', 'new-signups', 'future', 'pull', '2026-11-26T11:00:00-05:00', [{ rule: 'schedule', detail: 'next scheduled run' }]),
];
const forecast = { from: '2026-11-23T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z', items };

describe('aggregate', () => {
  it('counts per lead-local day by sequence and force, with deferrals and why', () => {
    const agg = aggregate(forecast, 'day');
    expect(agg.rows.map((r) => [r.key, r.total, r.deferred])).toEqual([
      ['2026-11-23', 2, 1],
      ['2026-11-24', 1, 1],
      ['2026-11-26', 1, 0],
    ]);
    expect(agg.rows[0]!.bySequence).toEqual({ 'new-signups': 2 });
    expect(agg.rows[1]!.byForce).toEqual({ pull: 1 });
    expect(agg.deferredBy).toEqual({ 'send-window': 2, cap: 1 });
    expect(agg.busiestDays[0]).toEqual({ day: '2026-11-23', total: 2 });
  });

  it('groups by sequence and by force, largest first', () => {
    expect(aggregate(forecast, 'sequence').rows.map((r) => [r.key, r.total])).toEqual([
      ['new-signups', 3],
      ['evaluators', 1],
    ]);
    expect(aggregate(forecast, 'force').rows.map((r) => r.key)).toEqual(['pull', 'push']);
  });
});

describe('diffForecasts', () => {
  it('finds added, removed and moved touches, the leads they belong to, and the volume per day', () => {
    const after = [
      items[0]!,
      { ...items[1]!, at: '2026-11-25T10:00:00-05:00' },
      touch('d@x.example', 'new-signups', 'pain', 'push', '2026-11-23T11:00:00-05:00'),
      items[3]!,
    ];
    const diff = diffForecasts(forecast, { items: after });
    expect(diff.leadsChanged).toEqual(['b@x.example', 'c@x.example', 'd@x.example']);
    expect(diff.added.map((i) => i.lead)).toEqual(['d@x.example']);
    expect(diff.removed.map((i) => i.lead)).toEqual(['c@x.example']);
    expect(diff.moved).toMatchObject([{ lead: 'b@x.example', before: items[1]!.at, after: '2026-11-25T10:00:00-05:00' }]);
    expect(diff.unchanged).toBe(2);
    expect(diff.volume).toEqual([
      { day: '2026-11-23', before: 2, after: 2 },
      { day: '2026-11-24', before: 1, after: 0 },
      { day: '2026-11-25', before: 0, after: 1 },
      { day: '2026-11-26', before: 1, after: 1 },
    ]);
  });

  it('says why each removed touch left the plan', () => {
    const base = {
      ...forecast,
      items: [...items, touch('e@x.example', 'recycle', 'check-in', 'habit', '2026-11-30T09:00:00-05:00'), touch('f@x.example', 'new-signups', 'proof', 'anxiety', '2026-12-01T09:00:00-05:00')],
    };
    const after = [items[1]!, touch('c@x.example', 'evaluators', 'demo', 'pull', '2026-11-24T09:00:00-05:00'), touch('f@x.example', 'new-signups', 'pain', 'push', '2026-11-23T09:00:00-05:00')];
    const sequences = [
      { id: 'new-signups', steps: [{ id: 'pain' }, { id: 'future' }, { id: 'proof' }] },
      { id: 'evaluators', steps: [{ id: 'demo' }] },
    ];
    const diff = diffForecasts(base, { items: after, sequences });
    expect(diff.removed.map((i, n) => [i.lead, i.step, diff.removedWhy![n]])).toEqual([
      ['a@x.example', 'pain', 'the lead no longer enters new-signups in this period (audience, segment, priority or holdout)'],
      ['c@x.example', 'roi', 'step roi was removed from evaluators'],
      ['a@x.example', 'future', 'the lead no longer enters new-signups in this period (audience, segment, priority or holdout)'],
      ['e@x.example', 'check-in', 'sequence recycle is no longer in the workspace'],
      ['f@x.example', 'proof', 'no longer planned before 2026-12-07: pushed past the end of the period, or skipped by a condition'],
    ]);
  });

  it('sees no change in the same instant written in another offset', () => {
    const same = items.map((i) => ({ ...i, at: new Date(Date.parse(i.at)).toISOString() }));
    expect(diffForecasts(forecast, { items: same }).leadsChanged).toEqual([]);
  });
});
