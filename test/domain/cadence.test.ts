import { describe, expect, it } from 'vitest';
import { advanceLead, applyDecision, type Decision } from '../../src/domain/lead-plan.js';
import { forecastLead } from '../../src/run/forecast.js';
import {
  at,
  cap,
  DAY,
  HOUR,
  leadState,
  local,
  planContext,
  policy,
  type SimSend,
  STEADY,
  sequence,
  simulateHourly,
  TIERS,
} from './fixtures.js';

/** Pacing that follows the sales cycle and the lead: tiers, hot leads, unopened streaks, sunsets, recycling. */

const NY = 'America/New_York';
const MON = at('2026-11-16T09:00:00-05:00'); // no US holiday that week before Thursday the 26th
const show = (sends: SimSend[]) => sends.map((s) => `${s.sequenceId}/${s.stepId} ${local(s.at, NY)}`);
describe('sales-cycle tiers', () => {
  it('scale waits and tighten caps for a cycle of many months, with the reason', () => {
    const p = policy({ salesCycles: TIERS, cadence: STEADY });
    const long = sequence('long', ['P0D', 'P1D', 'P3D'], { salesCycle: 'P9M' });
    const quick = sequence('quick', ['P0D', 'P1D', 'P3D'], { salesCycle: 'P3W' });
    const slow = simulateHourly(planContext(p, [long]), leadState(), [], MON, MON + 30 * DAY);
    const fast = simulateHourly(planContext(p, [quick]), leadState(), [], MON, MON + 30 * DAY);
    // P1D × 2 = P2D, then the 4-day gap and the 1-per-week cap push it to the next Monday.
    expect(show(slow)).toEqual([
      'long/s1 2026-11-16T09:00:00-05:00',
      'long/s2 2026-11-23T09:00:00-05:00',
      'long/s3 2026-11-30T09:00:00-05:00',
    ]);
    // P3D × 0.75 = P2D (2.25 rounds to whole days, keeping the wall time).
    expect(show(fast)).toEqual([
      'quick/s1 2026-11-16T09:00:00-05:00',
      'quick/s2 2026-11-17T09:00:00-05:00',
      'quick/s3 2026-11-19T09:00:00-05:00',
    ]);
    const state = leadState();
    const ctx = planContext(p, [long]);
    const first = advanceLead(ctx, state, MON).outcome;
    applyDecision(state, first, MON);
    expect(advanceLead(ctx, state, MON).outcome).toMatchObject({
      kind: 'wait',
      reasons: [
        { rule: 'sales-cycle', detail: 'sales cycle P9M: waits ×2' },
        { rule: 'cap', detail: 'cap 1 per P7D' },
      ],
    });
  });
});

describe('adaptive cadence', () => {
  it('shortens waits for a hot stage, never past the caps and the gap', () => {
    const seq = sequence('eval', ['P0D', 'P4D', 'P4D']);
    const vp = { jobTitle: 'VP Sales' }; // desire
    const free = simulateHourly(planContext(policy(), [seq]), leadState(vp), [], MON, MON + 20 * DAY);
    expect(show(free)).toEqual([
      'eval/s1 2026-11-16T09:00:00-05:00',
      'eval/s2 2026-11-18T09:00:00-05:00',
      'eval/s3 2026-11-20T09:00:00-05:00',
    ]);
    const capped = policy({ minGapMs: 3 * DAY, caps: [cap(2, 'P7D')] });
    const sends = simulateHourly(planContext(capped, [seq]), leadState(vp), [], MON, MON + 20 * DAY);
    expect(show(sends)).toEqual([
      'eval/s1 2026-11-16T09:00:00-05:00',
      'eval/s2 2026-11-19T09:00:00-05:00',
      'eval/s3 2026-11-23T09:00:00-05:00',
    ]);
  });

  it('counts a recent click or pricing visit as hot', () => {
    const seq = sequence('intro', ['P0D', 'P4D']);
    const click = [{ type: 'email_clicked' as const, at: MON - 2 * DAY, url: '' }];
    const sends = simulateHourly(planContext(policy(), [seq]), leadState({}, click), [], MON, MON + 9 * DAY);
    expect(show(sends)[1]).toBe('intro/s2 2026-11-18T09:00:00-05:00');
    const old = [{ type: 'page_viewed' as const, at: MON - 20 * DAY, url: 'https://x.test/pricing' }];
    const cold = simulateHourly(planContext(policy(), [seq]), leadState({}, old), [], MON, MON + 9 * DAY);
    expect(show(cold)[1]).toBe('intro/s2 2026-11-20T09:00:00-05:00');
  });

  it('slows down after an unopened streak, sunsets, and recycles after the cool-down', () => {
    const allWeek = policy({ window: { days: [1, 2, 3, 4, 5, 6, 7], fromMinute: 540, toMinute: 1020 } });
    const seqs = [
      sequence('daily', Array<string>(8).fill('P1D'), { priority: 5 }),
      sequence('recycle', ['P7D'], { priority: 1, audience: { stages: ['desire'] } }),
    ];
    const decisions: Decision[] = [];
    const sends = simulateHourly(planContext(allWeek, seqs), leadState(), [], MON, MON + 60 * DAY, (a) =>
      decisions.push(...a.bookkeeping),
    );
    expect(show(sends)).toEqual([
      'daily/s1 2026-11-17T09:00:00-05:00',
      'daily/s2 2026-11-18T09:00:00-05:00',
      'daily/s3 2026-11-19T09:00:00-05:00',
      // Three sends unopened: waits ×2.
      'daily/s4 2026-11-21T09:00:00-05:00',
      'daily/s5 2026-11-23T09:00:00-05:00',
      'daily/s6 2026-11-25T09:00:00-05:00',
      // Six: sunset, then 30 days' cool-down and the recycle sequence, whatever the stage
      // (enrolled on 25 December; its P7D lands on New Year's Day, a US holiday).
      'recycle/s1 2027-01-02T09:00:00-05:00',
    ]);
    expect(decisions).toContainEqual({ kind: 'exit', sequenceId: 'daily', reason: 'sunset: 6 sends unopened in a row' });
    expect(decisions).toContainEqual({
      kind: 'enroll',
      sequenceId: 'recycle',
      reason: 'sunset: recycled after the cool-down',
    });
    const items = forecastLead(planContext(allWeek, seqs), leadState(), MON, MON + 60 * DAY);
    expect(items.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(sends));
  });

  it('an open resets the streak', () => {
    const allWeek = policy({ window: { days: [1, 2, 3, 4, 5, 6, 7], fromMinute: 540, toMinute: 1020 } });
    const seqs = [sequence('daily', Array<string>(5).fill('P1D'))];
    const opened = [{ type: 'email_opened' as const, at: MON + 3 * DAY + HOUR, url: '' }];
    const sends = simulateHourly(planContext(allWeek, seqs), leadState(), opened, MON, MON + 20 * DAY);
    // Opened an hour after the third send: the fourth keeps its P1D.
    expect(show(sends).slice(3)).toEqual(['daily/s4 2026-11-20T09:00:00-05:00', 'daily/s5 2026-11-21T09:00:00-05:00']);
  });

  it('moves closed-lost leads to the recycle sequence after the cool-down', () => {
    const seqs = [
      sequence('intro', ['P0D', 'P2D', 'P2D'], { exitOn: ['closed_lost', 'replied'] }),
      sequence('recycle', ['P0D', 'P14D'], { priority: -1 }),
    ];
    const lost = [{ type: 'closed_lost' as const, at: MON + 2 * DAY + 3 * HOUR, url: '' }];
    const decisions: Decision[] = [];
    const ctx = planContext(policy({ cadence: STEADY }), seqs);
    const sends = simulateHourly(ctx, leadState(), lost, MON, MON + 50 * DAY, (a) => decisions.push(...a.bookkeeping));
    expect(show(sends)).toEqual([
      'intro/s1 2026-11-16T09:00:00-05:00',
      'intro/s2 2026-11-18T09:00:00-05:00',
      'recycle/s1 2026-12-18T12:00:00-05:00',
      'recycle/s2 2027-01-04T09:00:00-05:00', // New Year's Day is a Friday holiday
    ]);
    expect(decisions[1]).toEqual({ kind: 'exit', sequenceId: 'intro', reason: 'event closed_lost' });
    const state = leadState({}, lost);
    const items = forecastLead(planContext(policy({ cadence: STEADY }), seqs), state, MON, MON + 50 * DAY);
    expect(items.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(sends));
  });

  it('keeps a lead who replied out of every other sequence until sales closes it lost, then recycles it', () => {
    const seqs = [
      sequence('intro', ['P0D', 'P2D', 'P2D'], { priority: 5 }),
      sequence('follow-up', ['P0D', 'P2D'], { priority: 1 }),
      sequence('recycle', ['P0D', 'P14D'], { priority: -1 }),
    ];
    const ctx = planContext(policy({ cadence: STEADY }), seqs);
    const events = [
      { type: 'replied' as const, at: MON + 3 * HOUR, url: '' },
      { type: 'closed_lost' as const, at: MON + 10 * DAY, url: '' },
    ];
    const outcomes: { t: number; decision: Decision }[] = [];
    const sends = simulateHourly(ctx, leadState(), events, MON, MON + 50 * DAY, (a, t) => outcomes.push({ t, decision: a.outcome }));
    // No follow-up sequence after the reply; the recycle sequence 30 days after closed_lost.
    expect(show(sends)).toEqual(['intro/s1 2026-11-16T09:00:00-05:00', 'recycle/s1 2026-12-28T09:00:00-05:00']);
    const held = outcomes.find((o) => o.t === MON + DAY)!.decision;
    expect(held).toEqual({ kind: 'idle', cause: 'conversation', reason: 'event replied: with sales now, no new sequence (a closed_lost recycles the lead)' });
    // The forecast, made with both events already stored, shows the same touches (invariant 7).
    const items = forecastLead(ctx, leadState({}, events), MON, MON + 50 * DAY);
    expect(items.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(sends));
  });

  it('exits at once on a reply recorded between two sends of the same run', () => {
    const ctx = planContext(policy(), [sequence('burst', ['P0D', 'P0D', 'P0D'])]);
    const state = leadState();
    const first = advanceLead(ctx, state, MON).outcome;
    expect(first.kind).toBe('send');
    applyDecision(state, first, MON);
    state.events = [...state.events, { type: 'replied', at: MON, url: '' }];
    expect(advanceLead(ctx, state, MON)).toMatchObject({
      bookkeeping: [{ kind: 'exit', sequenceId: 'burst', reason: 'event replied' }],
    });
  });
});

describe('stage changes move leads at a clean boundary (issue 3)', () => {
  const seqs = [
    sequence('signups', ['P0D', 'P3D', 'P3D'], { priority: 10, audience: { stages: ['awareness', 'interest'] } }),
    sequence('evaluators', ['P0D', 'P2D'], { priority: 20, audience: { stages: ['desire'] } }),
  ];

  it('a lead warming to desire leaves sign-ups for evaluators without two touches that day', () => {
    const opens = Array.from({ length: 6 }, (_, i) => ({ type: 'email_opened' as const, at: MON + HOUR + i * 60_000, url: '' }));
    const decisions: Decision[] = [];
    const ctx = planContext(policy({ cadence: STEADY }), seqs);
    const director = { jobTitle: 'Director' }; // interest
    const sends = simulateHourly(ctx, leadState(director), opens, MON, MON + 5 * DAY, (a) => decisions.push(...a.bookkeeping));
    expect(decisions.slice(0, 3)).toEqual([
      { kind: 'enroll', sequenceId: 'signups', reason: 'stage interest, priority 10' },
      { kind: 'exit', sequenceId: 'signups', reason: 'stage desire: moves to evaluators' },
      { kind: 'enroll', sequenceId: 'evaluators', reason: 'stage desire, priority 20' },
    ]);
    expect(show(sends)).toEqual([
      'signups/s1 2026-11-16T09:00:00-05:00',
      'evaluators/s1 2026-11-17T09:00:00-05:00',
      'evaluators/s2 2026-11-19T09:00:00-05:00',
    ]);
    const state = leadState(director, opens);
    const items = forecastLead(planContext(policy({ cadence: STEADY }), seqs), state, MON, MON + 5 * DAY);
    expect(items.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(sends));
  });

  it('a lead cooling to unqualified leaves nurture', () => {
    const careers = [{ type: 'page_viewed' as const, at: MON + 30 * 60_000, url: 'https://x.test/careers' }];
    const decisions: Decision[] = [];
    const ctx = planContext(policy(), seqs);
    const sends = simulateHourly(ctx, leadState(), careers, MON, MON + 10 * DAY, (a) => decisions.push(...a.bookkeeping));
    expect(show(sends)).toEqual(['signups/s1 2026-11-16T09:00:00-05:00']);
    expect(decisions[1]).toEqual({ kind: 'exit', sequenceId: 'signups', reason: 'stage unqualified: leaves nurture' });
  });
});
