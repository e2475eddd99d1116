import { describe, expect, it } from 'vitest';
import { advanceLead, type Decision, type PlanContext } from '../../src/domain/lead-plan.js';
import { placeTouch } from '../../src/domain/placement.js';
import type { Policy } from '../../src/domain/types.js';
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
  sequence,
  simulateHourly,
  titleFor,
} from './fixtures.js';

const NY = 'America/New_York';
const us = { zone: NY, country: 'US' };

function place(p: Policy, due: number, sentAt: number[] = [], now = due) {
  const ctx = planContext(p, []);
  return placeTouch({ now, due, where: us, sentAt, policy: p, windows: ctx.windows });
}

const describeSends = (sends: SimSend[], zone = NY) =>
  sends.map((s) => `${s.sequenceId}/${s.stepId} ${local(s.at, zone)}`);

describe('placeTouch with a fixed clock', () => {
  it('moves a touch due on Saturday to Monday 09:00 local', () => {
    const p = place(policy(), at('2026-11-28T10:00:00-05:00'));
    expect(local(p.at, NY)).toBe('2026-11-30T09:00:00-05:00');
    expect(p.sendNow).toBe(false);
    expect(p.reasons.map((r) => r.rule)).toEqual(['send-window']);
    expect(p.reasons[0]!.detail).toBe('2026-11-28 is not a send day in America/New_York');
  });

  it('moves a touch due at 18:00 to the next morning', () => {
    const p = place(policy(), at('2026-11-24T18:00:00-05:00'));
    expect(local(p.at, NY)).toBe('2026-11-25T09:00:00-05:00');
    expect(p.reasons).toEqual([{ rule: 'send-window', detail: 'outside 09:00–17:00 America/New_York' }]);
  });

  it('sends at once when due inside the window at a run moment', () => {
    const now = at('2026-11-24T11:00:00-05:00');
    const p = place(policy(), now - HOUR, [], now);
    expect(p).toEqual({ at: now, sendNow: true, reasons: [{ rule: 'due', detail: 'due under every rule' }] });
  });

  it('defers for the minimum gap', () => {
    const sent = at('2026-11-24T10:00:00-05:00');
    const p = place(policy({ minGapMs: 4 * HOUR }), at('2026-11-24T11:00:00-05:00'), [sent]);
    expect(local(p.at, NY)).toBe('2026-11-24T14:00:00-05:00');
    expect(p.reasons).toEqual([{ rule: 'min-gap', detail: 'minimum gap 4h since the last send' }]);
  });

  it('a gap that ends after hours defers to the next open window, naming both rules', () => {
    const sent = at('2026-11-24T10:00:00-05:00');
    const p = place(policy({ minGapMs: 36 * HOUR }), at('2026-11-24T12:00:00-05:00'), [sent]);
    expect(local(p.at, NY)).toBe('2026-11-27T09:00:00-05:00'); // Wed 22:00 → Thu is Thanksgiving
    expect(p.reasons.map((r) => r.rule)).toEqual(['min-gap', 'send-window']);
  });

  it('defers a capped touch to when the oldest send leaves the window', () => {
    const sent = ['2026-11-23T10:00:00-05:00', '2026-11-24T10:00:00-05:00', '2026-11-25T10:00:00-05:00'];
    const p = place(policy({ caps: [cap(3, 'P7D')] }), at('2026-11-27T14:00:00-05:00'), sent.map(at));
    expect(local(p.at, NY)).toBe('2026-11-30T10:00:00-05:00');
    expect(p.reasons).toEqual([{ rule: 'cap', detail: 'cap 3 per P7D' }]);
  });

  it('lands between ticks on the next run tick', () => {
    const p = place(policy(), at('2026-11-24T10:20:00-05:00'), [], at('2026-11-24T10:00:00-05:00'));
    expect(local(p.at, NY)).toBe('2026-11-24T11:00:00-05:00');
    expect(p.reasons).toEqual([{ rule: 'schedule', detail: 'next scheduled run' }]);
  });
});

const MON = at('2026-11-09T08:00:00-05:00');

function outcomeAt(ctx: PlanContext, title: string, now: number): Decision {
  return advanceLead(ctx, leadState({ jobTitle: title }), now).outcome;
}

describe('advanceLead with a fixed clock', () => {
  it('sends the steps of a sequence in order, each wait after the previous send', () => {
    const ctx = planContext(policy(), [sequence('welcome', ['P0D', 'P2D', 'P3D'])]);
    const sends = simulateHourly(ctx, leadState(), [], MON, MON + 14 * DAY);
    expect(describeSends(sends)).toEqual([
      'welcome/s1 2026-11-09T09:00:00-05:00',
      'welcome/s2 2026-11-12T09:00:00-05:00', // Wed 11th is Veterans Day (US)
      'welcome/s3 2026-11-16T09:00:00-05:00', // Sun 15th → Monday
    ]);
  });

  it('enrols in the highest-priority sequence whose audience fits the stage', () => {
    const ctx = planContext(policy(), [
      sequence('broad', ['P0D'], { priority: 1, audience: { stages: ['awareness', 'interest'] } }),
      sequence('mid', ['P0D'], { priority: 5, audience: { stages: ['interest'] } }),
      sequence('late', ['P0D'], { priority: 9, audience: { stages: ['desire'] } }),
    ]);
    const enrolled = (title: string) => advanceLead(ctx, leadState({ jobTitle: title }), MON).bookkeeping[0];
    expect(enrolled(titleFor.awareness)).toEqual({
      kind: 'enroll',
      sequenceId: 'broad',
      reason: 'stage awareness, priority 1',
    });
    expect(enrolled(titleFor.interest)).toMatchObject({ sequenceId: 'mid' });
    expect(enrolled(titleFor.desire)).toMatchObject({ sequenceId: 'late' });
  });

  it('exits on meeting_booked after enrolment and sends nothing more', () => {
    const ctx = planContext(policy(), [sequence('welcome', ['P0D', 'P1D', 'P1D'])]);
    const booked = at('2026-11-09T15:30:00-05:00');
    const state = leadState();
    const decisions: Decision[] = [];
    const sends = simulateHourly(
      ctx,
      state,
      [{ type: 'meeting_booked', at: booked, url: '' }],
      MON,
      MON + 7 * DAY,
      (a) => decisions.push(...a.bookkeeping),
    );
    expect(describeSends(sends)).toEqual(['welcome/s1 2026-11-09T09:00:00-05:00']);
    expect(decisions).toContainEqual({ kind: 'exit', sequenceId: 'welcome', reason: 'event meeting_booked' });
    expect(state.enrollments).toMatchObject([{ status: 'exited', endedAt: at('2026-11-09T16:00:00-05:00') }]);
  });

  it('stops all mail after an unsubscribe, even with sequences left to enrol in', () => {
    const ctx = planContext(policy(), [
      sequence('first', ['P0D', 'P1D'], { priority: 2 }),
      sequence('second', ['P0D', 'P1D'], { priority: 1 }),
    ]);
    const events = [{ type: 'unsubscribed' as const, at: at('2026-11-09T12:00:00-05:00'), url: '' }];
    const sends = simulateHourly(ctx, leadState(), events, MON, MON + 14 * DAY);
    expect(describeSends(sends)).toEqual(['first/s1 2026-11-09T09:00:00-05:00']);
  });

  it('treats an unsubscribe, bounce or complaint in the history as suppression', () => {
    const ctx = planContext(policy(), [sequence('welcome', ['P0D', 'P1D'])]);
    for (const type of ['unsubscribed', 'bounced', 'complained'] as const) {
      const state = leadState({}, [{ type, at: MON - 30 * DAY, url: '' }]);
      expect(advanceLead(ctx, state, MON).outcome).toEqual({
        kind: 'idle',
        cause: 'suppressed',
        reason: 'suppressed: no mail after an unsubscribe, bounce or complaint',
      });
      expect(simulateHourly(ctx, state, [], MON, MON + 7 * DAY)).toEqual([]);
    }
  });

  it('never sends to suppressed leads or without the consent the policy requires', () => {
    const seqs = [sequence('welcome', ['P0D', 'P1D'])];
    const confirmed = planContext(policy({ consent: 'confirmed' }), seqs);
    const suppressed = leadState();
    suppressed.suppressed = true;
    expect(simulateHourly(confirmed, suppressed, [], MON, MON + 7 * DAY)).toEqual([]);
    for (const consent of ['none', 'pending'] as const) {
      const outcome = advanceLead(confirmed, leadState({ consent }), MON).outcome;
      expect(outcome).toEqual({ kind: 'idle', cause: 'consent', reason: `consent ${consent} does not meet policy confirmed` });
      expect(simulateHourly(confirmed, leadState({ consent }), [], MON, MON + 7 * DAY)).toEqual([]);
    }
    expect(simulateHourly(confirmed, leadState({ consent: 'unsubscribed' }), [], MON, MON + 7 * DAY)).toEqual(
      [],
    );
    const single = planContext(policy({ consent: 'single' }), seqs);
    expect(simulateHourly(single, leadState({ consent: 'pending' }), [], MON, MON + 7 * DAY)).toHaveLength(2);
    expect(simulateHourly(single, leadState({ consent: 'none' }), [], MON, MON + 7 * DAY)).toEqual([]);
  });

  it('blocks an enrolled lead whose consent was withdrawn', () => {
    const ctx = planContext(policy(), [sequence('welcome', ['P0D', 'P1D'])]);
    const state = leadState();
    expect(advanceLead(ctx, state, at('2026-11-09T09:00:00-05:00')).outcome.kind).toBe('send');
    state.profile.consent = 'pending';
    expect(advanceLead(ctx, state, at('2026-11-09T09:00:00-05:00')).outcome).toMatchObject({
      kind: 'blocked',
      reason: 'consent pending does not meet policy confirmed',
    });
  });

  it('enrols in the `then` sequence when one completes', () => {
    const ctx = planContext(policy(), [
      sequence('intro', ['P0D', 'P1D'], { priority: 5, then: 'recycle' }),
      sequence('other', ['P0D'], { priority: 3 }),
      sequence('recycle', ['P7D'], { priority: 1, audience: { stages: ['desire'] } }),
    ]);
    const decisions: Decision[] = [];
    const sends = simulateHourly(ctx, leadState(), [], MON, MON + 21 * DAY, (a) =>
      decisions.push(...a.bookkeeping),
    );
    expect(decisions.map((d) => `${d.kind} ${'sequenceId' in d ? d.sequenceId : ''}`)).toEqual([
      'enroll intro',
      'complete intro',
      'enroll recycle',
      'complete recycle',
      'enroll other',
      'complete other',
    ]);
    expect(describeSends(sends)).toEqual([
      'intro/s1 2026-11-09T09:00:00-05:00',
      'intro/s2 2026-11-10T09:00:00-05:00',
      'recycle/s1 2026-11-17T09:00:00-05:00',
      // A new sequence never starts on the day of the last touch (issue 3: clean boundaries).
      'other/s1 2026-11-18T09:00:00-05:00',
    ]);
  });

  it('gives every wait and every send its reasons', () => {
    const ctx = planContext(policy({ caps: [cap(2, 'P7D')], minGapMs: 20 * HOUR }), [
      sequence('welcome', ['P0D', 'PT1H', 'P1D', 'P0D']),
    ]);
    let seen = 0;
    simulateHourly(ctx, leadState(), [], MON, MON + 21 * DAY, ({ outcome }) => {
      if (outcome.kind === 'wait' || outcome.kind === 'send') {
        seen++;
        expect(outcome.reasons.length).toBeGreaterThan(0);
      }
    });
    expect(seen).toBeGreaterThan(100);
    const wait = outcomeAt(ctx, 'Analyst', at('2026-11-14T10:00:00-05:00'));
    expect(wait).toMatchObject({ kind: 'wait', reasons: [{ rule: 'send-window' }] });
  });
});
