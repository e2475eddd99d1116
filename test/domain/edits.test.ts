import { describe, expect, it } from 'vitest';
import { advanceLead, type LeadState } from '../../src/domain/lead-plan.js';
import type { Sequence } from '../../src/domain/types.js';
import {
  at,
  cap,
  DAY,
  leadState,
  local,
  planContext,
  policy,
  type SimSend,
  STEADY,
  sequence,
  simulateHourly,
} from './fixtures.js';

/** Editing a sequence while leads are in it: reschedule from the last send, skip what was passed, no burst. */

const NY = 'America/New_York';
const MON = at('2026-11-30T09:00:00-05:00');
const p = policy({ cadence: STEADY });
const show = (sends: SimSend[]) => sends.map((s) => `${s.sequenceId}/${s.stepId} ${local(s.at, NY)}`);

/** A lead enrolled at MON who already received `steps` of `seq`, one a day. */
function inFlight(seq: Sequence, steps: string[]): LeadState {
  const state = leadState();
  state.enrollments.push({ sequenceId: seq.id, enrolledAt: MON, status: 'active' });
  steps.forEach((stepId, i) => state.sends.push({ sequenceId: seq.id, stepId, status: 'sent', at: MON + i * DAY }));
  return state;
}

const next = (seq: Sequence, state: LeadState, now: number) => {
  const outcome = advanceLead(planContext(p, [seq]), state, now).outcome;
  if (outcome.kind !== 'wait' && outcome.kind !== 'send') throw new Error(`unexpected ${outcome.kind}`);
  return `${outcome.step.id} ${local(outcome.at, NY)}`;
};

const steps = (ids: string[], waits: string[]) => {
  const s = sequence('seq', waits);
  s.steps = s.steps.map((st, i) => ({ ...st, id: ids[i]! }));
  return s;
};

describe('safe edits in flight', () => {
  it('a changed wait reschedules from the last send', () => {
    const before = steps(['a', 'b', 'c'], ['P0D', 'P1D', 'P7D']);
    const after = steps(['a', 'b', 'c'], ['P0D', 'P1D', 'P2D']);
    const state = inFlight(before, ['a', 'b']);
    expect(next(before, state, MON + DAY)).toBe('c 2026-12-08T09:00:00-05:00');
    expect(next(after, state, MON + DAY)).toBe('c 2026-12-03T09:00:00-05:00');
  });

  it('a removed step is skipped; the wait counts from the last send, whichever step it was', () => {
    const state = inFlight(steps(['a', 'b', 'c'], ['P0D', 'P1D', 'P1D']), ['a', 'b']);
    expect(next(steps(['a', 'c'], ['P0D', 'P3D']), state, MON + DAY)).toBe('c 2026-12-04T09:00:00-05:00');
  });

  it('an added step reaches leads not yet past it, and is passed by the others', () => {
    const state = inFlight(steps(['a', 'b', 'c'], ['P0D', 'P1D', 'P1D']), ['a', 'b']);
    expect(next(steps(['a', 'new', 'b', 'c'], ['P0D', 'P1D', 'P1D', 'P1D']), state, MON + DAY)).toBe(
      'c 2026-12-02T09:00:00-05:00',
    );
    expect(next(steps(['a', 'b', 'new', 'c'], ['P0D', 'P1D', 'P1D', 'P1D']), state, MON + DAY)).toBe(
      'new 2026-12-02T09:00:00-05:00',
    );
  });

  it('shortened waits send no burst: one overdue touch, then the rest spaced under the caps', () => {
    const long = steps(['a', 'b', 'c', 'd'], ['P0D', 'P30D', 'P30D', 'P30D']);
    const short = steps(['a', 'b', 'c', 'd'], ['P0D', 'P0D', 'P1D', 'P0D']);
    const state = inFlight(long, ['a']);
    const ctx = planContext(policy({ cadence: STEADY, caps: [cap(1, 'P1D')] }), [short]);
    // Twenty days later the sequence is edited: b is overdue by 20 days.
    const edited = MON + 20 * DAY;
    const sends = simulateHourly(ctx, state, [], edited, edited + 10 * DAY);
    expect(show(sends)).toEqual([
      'seq/b 2026-12-21T09:00:00-05:00',
      'seq/c 2026-12-22T09:00:00-05:00',
      'seq/d 2026-12-23T09:00:00-05:00',
    ]);
  });
});
