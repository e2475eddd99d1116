import { describe, expect, it } from 'vitest';
import { advanceLead, applyDecision, type Decision, type LeadState, type PlanContext } from '../../src/domain/lead-plan.js';
import { scoreLead } from '../../src/domain/scoring.js';
import type { LeadEvent } from '../../src/domain/types.js';
import { MAX_SLEEP_MS, wakeAt } from '../../src/run/wake.js';
import { SEASONS } from '../domain/arbitraries.js';
import { at, cap, DAY, HOUR, leadState, planContext, policy, STEADY, sequence } from '../domain/fixtures.js';

/**
 * Each wake reason of run/wake.ts on its own: the lead planned at `now` must not change plan
 * before its wake (else an incremental run would miss the change), and does change at it (so
 * the wake is not just early).
 */
const open = (t: number): LeadEvent => ({ type: 'email_opened', at: t, url: '' });

/** What a run would write for the lead at `t` (a clone: the state is left as planned at `now`). */
function planAt(ctx: PlanContext, state: LeadState, t: number): string {
  const copy = structuredClone(state);
  const { outcome, bookkeeping } = advanceLead(ctx, copy, t);
  return JSON.stringify({ bookkeeping: bookkeeping.map((d) => d.kind), outcome: signature(outcome), stage: scoreLead(ctx.scoring, copy.profile, copy.events, t, copy.sends).stage });
}

function signature(d: Decision): unknown {
  if (d.kind === 'wait') return { kind: d.kind, step: d.step.id, at: d.at };
  if (d.kind === 'send') return { kind: d.kind, step: d.step.id };
  if (d.kind === 'idle') return { kind: d.kind, cause: d.cause, until: d.until };
  return { kind: d.kind };
}

/** Plans the lead at `now` (its bookkeeping applied, as a run writes it) and returns its wake. */
function plannedWake(ctx: PlanContext, state: LeadState, now: number): number {
  const { outcome, bookkeeping } = advanceLead(ctx, state, now);
  for (const d of bookkeeping) expect(d.kind).not.toBe('skip');
  return wakeAt(ctx, state, outcome, now, null);
}

/** Hourly runs from `now` to the wake see the plan of `now`; the first run at or after the wake sees another. */
function expectWakeExact(ctx: PlanContext, state: LeadState, now: number, wake: number): void {
  const before = planAt(ctx, state, now + HOUR);
  for (let t = now + HOUR; t < wake; t += HOUR) expect(planAt(ctx, state, t), new Date(t).toISOString()).toBe(before);
  const tick = Math.ceil(wake / HOUR) * HOUR;
  expect(planAt(ctx, state, tick)).not.toBe(before);
}

describe('wake times (issue 16)', () => {
  const now = at('2026-03-02T15:00:00Z'); // a Monday, 10:00 in New York

  it('a decaying score crossing a stage threshold', () => {
    // No sequence takes awareness leads, so the stage alone changes the plan: interest (25 points
    // of opens) cools to awareness once they decay below 20 — about 4.5 days with a 14-day half-life.
    const ctx = planContext(policy({ cadence: STEADY }), [sequence('warm', ['P0D', 'P30D'], { audience: { stages: ['interest'] } })]);
    const state = leadState({}, [0, 1, 2, 3, 4].map((k) => open(now - k * HOUR - DAY)));
    state.enrollments.push({ sequenceId: 'warm', enrolledAt: now - 40 * DAY, status: 'completed', endedAt: now - 10 * DAY });
    const wake = plannedWake(ctx, state, now);
    expect(wake - now).toBeGreaterThan(3 * DAY);
    expect(wake - now).toBeLessThan(5 * DAY);
    expectWakeExact(ctx, state, now, wake);
  });

  it('a decaying score crossing a limit an audience tests (score: lte), and an engagement limit an exit tests', () => {
    // "Cooling leads": enrolled once their score has decayed to 12 or less. Three fresh opens give
    // 15 points (awareness); with a 14-day half-life they cool to 12 in about 4.5 days, and no
    // stage threshold lies on the way.
    const cooling = sequence('cooling', ['P0D', 'P30D'], {
      audience: { stages: ['awareness', 'interest', 'desire'], condition: { kind: 'score', measure: 'score', lte: 12, label: 'score <= 12' } },
    });
    const ctx = planContext(policy({ cadence: STEADY }), [cooling]);
    const state = leadState({}, [0, 1, 2].map((k) => open(now - k * HOUR)));
    const wake = plannedWake(ctx, state, now);
    expect(wake - now).toBeGreaterThan(3 * DAY);
    expect(wake - now).toBeLessThan(MAX_SLEEP_MS);
    expectWakeExact(ctx, state, now, wake);

    // Enrolled in a sequence that ends when engagement decays to 12 or less (the same 4.5 days).
    const warm = sequence('warm', ['P0D', 'P60D'], { exitWhen: { kind: 'score', measure: 'engagement', lte: 12, label: 'engagement <= 12' } });
    const ctx2 = planContext(policy({ cadence: STEADY }), [warm]);
    const lead = leadState({}, [0, 1, 2].map((k) => open(now - k * HOUR)));
    const first = advanceLead(ctx2, lead, now);
    expect(first.outcome.kind).toBe('send');
    applyDecision(lead, first.outcome, now);
    const exitWake = plannedWake(ctx2, lead, now + HOUR);
    expect(exitWake - now).toBeGreaterThan(3 * DAY);
    expect(exitWake - now).toBeLessThan(MAX_SLEEP_MS);
    expectWakeExact(ctx2, lead, now + HOUR, exitWake);
  });

  it('the saved score drifting by a point', () => {
    const ctx = planContext(policy({ cadence: STEADY }), []);
    const state = leadState({}, [0, 1, 2, 3].map((k) => open(now - k * HOUR)));
    const { outcome } = advanceLead(ctx, state, now);
    const saved = scoreLead(ctx.scoring, state.profile, state.events, now, state.sends).score;
    const wake = wakeAt(ctx, state, outcome, now, saved);
    // The first hourly run at which the score is a point below the saved one.
    let first = now + HOUR;
    while (saved - scoreLead(ctx.scoring, state.profile, state.events, first, []).score < 1) first += HOUR;
    expect(wake).toBeLessThanOrEqual(first);
    // Up to one run early: the scan allows for the rounding of each contribution.
    expect(wake).toBeGreaterThan(first - 2 * HOUR);
  });

  it('the end of a pause', () => {
    const ctx = planContext(policy({ cadence: STEADY }), [sequence('welcome', ['P0D', 'P2D'])]);
    const until = now + 3 * DAY + 5 * HOUR;
    const state = leadState({ pause: { since: now - DAY, until } });
    const wake = plannedWake(ctx, state, now);
    expect(wake).toBe(until);
    expectWakeExact(ctx, state, now, wake);
  });

  it('a season boundary', () => {
    // Only a sequence limited to the monthly peak (the 10th, five days) fits: the lead waits for it.
    const peak = SEASONS[0]!;
    const ctx = planContext(policy({ cadence: STEADY, seasons: [peak] }), [sequence('peak-only', ['P0D', 'P2D'], { season: 'peak' })]);
    const state = leadState();
    const thursday = at('2026-03-05T15:00:00Z');
    const wake = plannedWake(ctx, state, thursday);
    // Local midnight in New York, on daylight time since the 8th.
    expect(new Date(wake).toISOString()).toBe('2026-03-10T04:00:00.000Z');
    expectWakeExact(ctx, state, thursday, wake);
  });

  it('a cap window rolling over', () => {
    // One send a week: the second touch, due two days after the first, waits for the week to pass.
    const ctx = planContext(policy({ cadence: STEADY, caps: [cap(1, 'P7D')] }), [sequence('weekly', ['P0D', 'P2D', 'P2D'])]);
    const state = leadState();
    const first = advanceLead(ctx, state, now);
    expect(first.outcome.kind).toBe('send');
    applyDecision(state, first.outcome, now);
    // Wednesday: the second touch is due, the week since Monday's send is not over (and spans the DST change).
    const wednesday = now + 2 * DAY;
    const { outcome } = advanceLead(ctx, state, wednesday);
    expect(outcome.kind).toBe('wait');
    const wake = wakeAt(ctx, state, outcome, wednesday, null);
    expect(wake).toBe((outcome as Extract<Decision, { kind: 'wait' }>).at);
    expect(wake).toBeGreaterThanOrEqual(now + 7 * DAY - HOUR);
    expectWakeExact(ctx, state, wednesday, wake);
  });

  it('sleeps at most a week', () => {
    const ctx = planContext(policy({ cadence: STEADY }), []);
    expect(plannedWake(ctx, leadState(), now)).toBe(now + MAX_SLEEP_MS);
  });
});
