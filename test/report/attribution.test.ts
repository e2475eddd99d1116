import { describe, expect, it } from 'vitest';
import { holdoutBucket } from '../../src/domain/holdout.js';
import { attribute } from '../../src/report/attribution.js';
import { liftInterval, quantile, wilson } from '../../src/report/stats.js';
import type { ConversionCandidate, GoalSpec } from '../../src/report/types.js';

const DAY = 86_400_000;
const AT = Date.parse('2026-11-20T15:00:00Z');
const goal: GoalSpec = { id: 'meeting', event: 'meeting_booked', withinMs: 14 * DAY, model: 'last-touch' };
const touch = (sendId: number, sentAt: number, sequence = 'new-signups') => ({ sendId, sequence, step: `s${sendId}`, force: 'pull', sentAt, enrolledAt: AT - 20 * DAY });
const candidate = (touches: ReturnType<typeof touch>[]): ConversionCandidate => ({ goal: 'meeting', eventId: 1, leadId: 7, at: AT, touches });

describe('goal attribution over the window edges', () => {
  it('credits the last touch inside the window, the whole conversion', () => {
    const credits = attribute(goal, candidate([touch(1, AT - 10 * DAY), touch(2, AT - 2 * DAY, 'evaluators')]));
    expect(credits).toEqual([expect.objectContaining({ sendId: 2, sequence: 'evaluators', weight: 1, timeToConversionMs: 20 * DAY })]);
  });
  it('includes a touch exactly `within` before, and one at the same moment; excludes one a millisecond older or after', () => {
    expect(attribute(goal, candidate([touch(1, AT - 14 * DAY)])).map((c) => c.sendId)).toEqual([1]);
    expect(attribute(goal, candidate([touch(1, AT - 14 * DAY - 1)]))).toEqual([]);
    expect(attribute(goal, candidate([touch(1, AT)])).map((c) => c.sendId)).toEqual([1]);
    expect(attribute(goal, candidate([touch(1, AT + 1)]))).toEqual([]);
  });
  it('shares the credit equally among the touches in the window under model: linear', () => {
    const credits = attribute({ ...goal, model: 'linear' }, candidate([touch(1, AT - 15 * DAY), touch(2, AT - 9 * DAY), touch(3, AT - 3 * DAY), touch(4, AT - 1 * DAY)]));
    expect(credits.map((c) => [c.sendId, c.weight])).toEqual([[2, 1 / 3], [3, 1 / 3], [4, 1 / 3]]);
  });
});

describe('holdout buckets', () => {
  it('put the configured share out, within sampling error, the same on every call', () => {
    const emails = Array.from({ length: 20_000 }, (_, i) => `lead${i}@example.com`);
    const out = emails.filter((e) => holdoutBucket(e, 'new-signups') < 0.1);
    // Standard error of a 10% share over 20,000 is 0.21 points: four of them either side.
    expect(Math.abs(out.length / emails.length - 0.1)).toBeLessThan(0.0085);
    expect(emails.filter((e) => holdoutBucket(e, 'new-signups') < 0.1)).toEqual(out);
    expect(holdoutBucket('Lead1@Example.com ', 'new-signups')).toBe(holdoutBucket('lead1@example.com', 'new-signups'));
  });
  it('are independent between sequences', () => {
    const emails = Array.from({ length: 20_000 }, (_, i) => `lead${i}@example.com`);
    const both = emails.filter((e) => holdoutBucket(e, 'a') < 0.1 && holdoutBucket(e, 'b') < 0.1).length;
    expect(Math.abs(both / emails.length - 0.01)).toBeLessThan(0.003);
  });
  it('is pinned: a lead keeps its arm across releases', () => {
    expect(holdoutBucket('dana@acme-analytics.com', 'new-signups').toFixed(6)).toMatchInlineSnapshot(`"0.110598"`);
  });
});

describe('intervals', () => {
  it('gives the Wilson 95% interval', () => {
    const r = wilson(3, 10);
    expect([r.rate, r.low!.toFixed(4), r.high!.toFixed(4)]).toEqual([0.3, '0.1078', '0.6032']);
    expect(wilson(0, 0)).toEqual({ rate: null, low: null, high: null, successes: 0, denominator: 0 });
    expect(wilson(0, 20).low).toBe(0);
  });
  it('gives Newcombe’s interval for a difference, and quantiles', () => {
    const lift = liftInterval(wilson(56, 70), wilson(48, 80));
    expect([lift.lift!.toFixed(4), lift.low!.toFixed(4), lift.high!.toFixed(4)]).toEqual(['0.2000', '0.0524', '0.3339']);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(quantile([], 0.5)).toBeNull();
  });
});
