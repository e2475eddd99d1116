import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { LeadState } from '../../src/domain/lead-plan.js';
import { type LeadEvent, type Policy, type Sequence, SUPPRESSING_EVENTS } from '../../src/domain/types.js';
import { forecastLead } from '../../src/run/forecast.js';
import type { TouchItem } from '../../src/run/items.js';
import type { SendTimeCounts } from '../../src/domain/send-time/types.js';
import { HolidayCalendar } from '../../src/time/holidays.js';
import {
  type FutureEvent,
  futureEventsArb,
  type LeadSpec,
  leadArb,
  leadFrom,
  policyArb,
  segmentArb,
  sendTimeArb,
  sequencesArb,
  startArb,
} from './arbitraries.js';
import {
  DAY,
  HOUR,
  leadState,
  MAX_SENDS_PER_RUN,
  planContext,
  policy,
  type SimSend,
  sequence,
  STEADY,
  simulateHourly,
} from './fixtures.js';

/**
 * Invariants 1–8 of DESIGN.md that the pure planner can break, over 90 simulated days of hourly
 * runs for random workspaces, leads and events.
 */

const DAYS = 90;
const holidays = new HolidayCalendar();
const fromItem = (i: TouchItem): SimSend => ({
  sequenceId: i.sequence,
  stepId: i.step,
  at: Date.parse(i.at),
});
const show = (s: SimSend) => `${s.sequenceId}/${s.stepId}@${new Date(s.at).toISOString()}`;

interface World {
  policy: Policy;
  /** The send-time model's counts, when the policy turns it on. */
  counts?: SendTimeCounts;
  sequences: Sequence[];
  spec: LeadSpec;
  start: number;
  events: LeadEvent[];
}

/** Sends that send-time optimisation moved past the first open moment (so the properties are not vacuous). */
let movedBySendTime = 0;
const moved = (r: { rule: string; detail: string }) => r.rule === 'send-time' && !r.detail.startsWith('holdout') && !r.detail.includes('first open moment');

function simulate(w: World): { sends: SimSend[]; state: LeadState; reasonless: string[] } {
  const ctx = planContext(w.policy, w.sequences, undefined, w.counts);
  const state = leadFrom(w.spec, w.start);
  const reasonless: string[] = [];
  const sends = simulateHourly(ctx, state, w.events, w.start, w.start + DAYS * DAY, ({ outcome }, t) => {
    if (outcome.kind === 'send' && outcome.reasons.some(moved)) movedBySendTime++;
    if ((outcome.kind === 'wait' || outcome.kind === 'send') && outcome.reasons.length === 0)
      reasonless.push(`${outcome.kind} ${outcome.sequence.id}/${outcome.step.id} at ${t}`);
    if (outcome.kind === 'wait' && !(outcome.at > t)) reasonless.push(`wait not in the future at ${t}`);
  });
  return { sends, state, reasonless };
}

function checkInvariants(w: World, sends: SimSend[], state: LeadState): void {
  const { policy, spec } = w;
  const allEvents = [...state.events];
  // 1. Consent the policy requires, at the moment of sending (the profile's consent is fixed here).
  if (sends.length > 0) {
    expect(spec.consent === 'confirmed' || (spec.consent === 'pending' && policy.consent === 'single')).toBe(
      true,
    );
  }
  // 2. Nothing after an unsubscribe, bounce or complaint; nothing at all to a suppressed lead.
  if (spec.suppressed) expect(sends).toEqual([]);
  const suppressedAt = Math.min(...allEvents.filter((e) => SUPPRESSING_EVENTS.has(e.type)).map((e) => e.at));
  expect(sends.filter((s) => s.at >= suppressedAt).map(show)).toEqual([]);
  // 3. Caps over every rolling window and the minimum gap.
  const times = sends.map((s) => s.at);
  for (let i = 0; i < times.length; i++) {
    if (i > 0) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(policy.minGapMs);
    for (const c of policy.caps) {
      const inWindow = times.filter((t) => t > times[i]! - c.perMs && t <= times[i]!);
      expect(inWindow.length, `cap ${c.max} per ${c.per} at ${show(sends[i]!)}`).toBeLessThanOrEqual(c.max);
    }
  }
  // 4. Inside the local window, on a send day, outside public holidays (checked with luxon).
  const country = policy.holidays ? spec.country || policy.defaultCountry : '';
  for (const s of sends) {
    const local = DateTime.fromMillis(s.at, { zone: spec.zone });
    const minute = local.hour * 60 + local.minute;
    const where = `${show(s)} = ${local.toISO()}`;
    expect(policy.window.days, where).toContain(local.weekday);
    expect(minute, where).toBeGreaterThanOrEqual(policy.window.fromMinute);
    expect(minute, where).toBeLessThan(policy.window.toMinute);
    if (country) expect(holidays.holidayOn(country, local.toISODate()!), where).toBeUndefined();
    // Seasons: never on a paused day; a sequence limited to a season only inside it.
    const day = Math.floor(Date.parse(`${local.toISODate()!}T00:00:00Z`) / DAY);
    for (const season of policy.seasons) if (season.pause) expect(season.days.contains(day), where).toBe(false);
    const limit = w.sequences.find((q) => q.id === s.sequenceId)!.season;
    const limitDays = policy.seasons.find((q) => q.id === limit)?.days;
    if (limitDays) expect(limitDays.contains(day), where).toBe(true);
  }
  // 5. Each step of an enrolment at most once.
  const keys = sends.map((s) => `${s.sequenceId}/${s.stepId}`);
  expect(new Set(keys).size).toBe(keys.length);
  // 8. After an exit event the sequence stops.
  for (const enrollment of state.enrollments) {
    const sequence = w.sequences.find((s) => s.id === enrollment.sequenceId)!;
    const exits = allEvents.filter((e) => e.at >= enrollment.enrolledAt && sequence.exitOn.includes(e.type));
    const exitAt = Math.min(...exits.map((e) => e.at));
    const late = sends.filter((s) => s.sequenceId === sequence.id && s.at >= exitAt);
    expect(late.map(show)).toEqual([]);
    if (exits.length > 0 && exitAt <= w.start + DAYS * DAY - w.policy.runEveryMs)
      expect(enrollment.status).not.toBe('active');
  }
  // Steps of one sequence go out in order (skipped steps, by a condition or a goto, leave gaps).
  for (const sequence of w.sequences) {
    const order = sends.filter((s) => s.sequenceId === sequence.id).map((s) => sequence.steps.findIndex((x) => x.id === s.stepId));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const reacts = sequence.steps.some((x) => x.when || x.unless || x.goto);
    if (!reacts) expect(order).toEqual(order.map((_, i) => i));
  }
}

const worldArb = (withFutureEvents: boolean): fc.Arbitrary<World> =>
  fc
    .record({
      policy: policyArb,
      sendTime: sendTimeArb,
      sequences: sequencesArb,
      spec: leadArb,
      start: startArb,
      future: withFutureEvents ? futureEventsArb(DAYS) : fc.constant<FutureEvent[]>([]),
    })
    .map(({ future, sendTime, ...w }) => ({
      ...w,
      policy: sendTime ? { ...w.policy, sendTime: sendTime.settings } : w.policy,
      ...(sendTime ? { counts: sendTime.counts } : {}),
      events: future
        .map((e) => ({ type: e.type, at: w.start + e.minutesAfter * 60_000, url: '' }))
        .sort((a, b) => a.at - b.at),
    }));

describe('invariants over 90 days of hourly runs', () => {
  it('hold for random leads, sequences, policies and events (1–5, 8), with reasons on every decision', () => {
    fc.assert(
      fc.property(worldArb(true), (w) => {
        const { sends, state, reasonless } = simulate(w);
        expect(reasonless).toEqual([]);
        checkInvariants(w, sends, state);
      }),
      { numRuns: 100 },
    );
  });

  it('are deterministic: the same inputs give the same sends (6)', () => {
    fc.assert(
      fc.property(worldArb(true), (w) => {
        expect(simulate(w).sends).toEqual(simulate(w).sends);
      }),
      { numRuns: 30 },
    );
  });

  it('send exactly what the forecast made at the start said, with no new engagement (7)', () => {
    fc.assert(
      fc.property(worldArb(false), (w) => {
        const { sends } = simulate(w);
        const ctx = planContext(w.policy, w.sequences, undefined, w.counts);
        const items = forecastLead(ctx, leadFrom(w.spec, w.start), w.start, w.start + DAYS * DAY);
        expect(items.map((i) => show(fromItem(i)))).toEqual(sends.map(show));
      }),
      { numRuns: 100 },
    );
  });

  const forecastWithLaterEvents = fc.property(worldArb(true), (w) => {
    const { sends } = simulate(w);
    const state = leadFrom(w.spec, w.start);
    state.events = [...state.events, ...w.events];
    const items = forecastLead(planContext(w.policy, w.sequences, undefined, w.counts), state, w.start, w.start + DAYS * DAY);
    expect(items.map((i) => show(fromItem(i)))).toEqual(sends.map(show));
  });

  it('and when the forecast state already holds events dated later, seen at their time (7)', () => {
    fc.assert(forecastWithLaterEvents, { numRuns: 100 });
  });

  it('(7) a new sequence’s first touch after a send on its enrolment day: every run anchors send-time where the forecast did', () => {
    // Found by the property above: a Sunday-only window, send-time exploring half the sends. The
    // rule "no second touch on the day of the last one" applied only while that day lasted, so
    // runs after it anchored the slot range a week earlier than the forecast (next-touch.ts).
    const path = '16:0:0:0:1:0:0:0:2:1:2:2:3:0:2:2:4:3:0:3:3:6:5:7:7:10:9:9:9:9:9:9:11:7:8:8:7:7:7:7:7:7:7:5:5:5:5:5:5:5:5:5:5:5:3:2:3:3:3:3:8:6:6:6:6:9:6:7:7:6:6:20:8:8';
    fc.assert(forecastWithLaterEvents, { seed: 557980665, path, endOnFailure: true });
  });

  it('and from any later run, with enrolments and sends already recorded (7)', () => {
    const arb = fc.tuple(worldArb(false), fc.integer({ min: 1, max: DAYS * 24 - 1 }));
    fc.assert(
      fc.property(arb, ([w, hours]) => {
        const end = w.start + DAYS * DAY;
        const split = w.start + hours * HOUR;
        const { sends } = simulate(w);
        const ctx = planContext(w.policy, w.sequences, undefined, w.counts);
        const state = leadFrom(w.spec, w.start);
        simulateHourly(ctx, state, [], w.start, split);
        const items = forecastLead(planContext(w.policy, w.sequences, undefined, w.counts), state, split, end);
        expect(items.map((i) => show(fromItem(i)))).toEqual(sends.filter((s) => s.at >= split).map(show));
      }),
      { numRuns: 60 },
    );
  });
});

describe('send-time optimisation inside every rule', () => {
  /** Send-time always on, for a lead that may be mailed: many touches placed by it. */
  const sendTimeWorld = (withFutureEvents: boolean) =>
    fc
      .tuple(worldArb(withFutureEvents), sendTimeArb.filter((x) => x !== null && x !== undefined), segmentArb)
      .map(([w, st, seg]) => ({
        ...w,
        policy: { ...w.policy, consent: 'single' as const, sendTime: { ...st!.settings, segments: [seg.segment] } },
        counts: { ...st!.counts, segmentGroups: seg.groups },
        spec: { ...w.spec, consent: 'confirmed' as const, suppressed: false },
      }));

  it('keeps caps, the gap, windows across DST, holidays, seasons and consent (1–5, 8), and moves touches', () => {
    const before = movedBySendTime;
    fc.assert(
      fc.property(sendTimeWorld(true), (w) => {
        const { sends, state, reasonless } = simulate(w);
        expect(reasonless).toEqual([]);
        checkInvariants(w, sends, state);
      }),
      { numRuns: 300 },
    );
    // Not vacuous: send-time moved touches. Over 100 worlds this count fell to 8 in 2 of 40
    // samples (a flaky bound of 10); over 300 it is about 80.
    expect(movedBySendTime - before).toBeGreaterThan(10);
  });

  it('sends exactly what the forecast said, from the start and from any later run (7)', () => {
    const arb = fc.tuple(sendTimeWorld(false), fc.integer({ min: 1, max: DAYS * 24 - 1 }));
    fc.assert(
      fc.property(arb, ([w, hours]) => {
        const end = w.start + DAYS * DAY;
        const split = w.start + hours * HOUR;
        const { sends } = simulate(w);
        const ctx = () => planContext(w.policy, w.sequences, undefined, w.counts);
        expect(forecastLead(ctx(), leadFrom(w.spec, w.start), w.start, end).map((i) => show(fromItem(i)))).toEqual(sends.map(show));
        const state = leadFrom(w.spec, w.start);
        simulateHourly(ctx(), state, [], w.start, split);
        expect(forecastLead(ctx(), state, split, end).map((i) => show(fromItem(i)))).toEqual(sends.filter((s) => s.at >= split).map(show));
      }),
      { numRuns: 100 },
    );
  });

  it('and with events dated later already in the forecast state, seen at their time (7)', () => {
    fc.assert(
      fc.property(sendTimeWorld(true), (w) => {
        const { sends } = simulate(w);
        const state = leadFrom(w.spec, w.start);
        state.events = [...state.events, ...w.events];
        const items = forecastLead(planContext(w.policy, w.sequences, undefined, w.counts), state, w.start, w.start + DAYS * DAY);
        expect(items.map((i) => show(fromItem(i)))).toEqual(sends.map(show));
      }),
      { numRuns: 60 },
    );
  });
});

describe('the forecast and the runs agree when many touches are due at once (7)', () => {
  it('carries touches beyond what one run sends to the next run, as the run does', () => {
    const p = policy({
      window: { days: [1, 2, 3, 4, 5, 6, 7], fromMinute: 0, toMinute: 24 * 60 },
      cadence: STEADY,
    });
    const seqs = [sequence('seq0', Array<string>(15).fill('P0D'))];
    const start = Date.parse('2026-06-01T12:00:00Z');
    const sends = simulateHourly(planContext(p, seqs), leadState(), [], start, start + 2 * DAY);
    const items = forecastLead(planContext(p, seqs), leadState(), start, start + 2 * DAY);
    expect(sends.filter((s) => s.at === start)).toHaveLength(MAX_SENDS_PER_RUN);
    expect(sends.filter((s) => s.at === start + HOUR)).toHaveLength(15 - MAX_SENDS_PER_RUN);
    expect(items.map((i) => show(fromItem(i)))).toEqual(sends.map(show));
  });
});
