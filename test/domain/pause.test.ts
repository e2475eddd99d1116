import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceLead, type LeadState } from '../../src/domain/lead-plan.js';
import { whyNoMail } from '../../src/domain/why-no-mail.js';
import { forecastLead } from '../../src/run/forecast.js';
import { at, cap, DAY, HOUR, leadState, local, planContext, policy, type SimSend, STEADY, sequence, simulateHourly } from './fixtures.js';

/** `nurture leads pause` and `paused: true` on a sequence: held in runs and the forecast, resumed under the caps. */

const NY = 'America/New_York';
const MON = at('2026-11-02T09:00:00-05:00'); // no US public holiday before the 11th
const show = (sends: readonly SimSend[]) => sends.map((s) => `${s.sequenceId}/${s.stepId} ${local(s.at, NY)}`);
const p = policy({ caps: [cap(1, 'P1D'), cap(3, 'P7D')], minGapMs: 36 * HOUR, cadence: STEADY });

/** Runs until `pauseAt`, pauses the lead until `until`, and runs on to `end`; the forecast is made at the pause. */
function pausedMidway(waits: string[], pauseAt: number, until: number | null, end: number) {
  const ctx = planContext(p, [sequence('intro', waits)]);
  const state: LeadState = leadState();
  const before = simulateHourly(ctx, state, [], MON, pauseAt);
  state.profile = { ...state.profile, pause: { since: pauseAt, until } };
  const forecast = forecastLead(ctx, structuredClone(state), pauseAt, end);
  const after = simulateHourly(ctx, state, [], pauseAt, end);
  return { ctx, state, before, after, forecast };
}

describe('a paused lead', () => {
  it('gets nothing until the pause ends, then resumes one touch at a time under the caps, as forecast', () => {
    const pauseAt = MON + 2 * DAY; // Wednesday, after intro/s1 went out on Monday
    const until = at('2026-11-16T00:00:00-05:00');
    const { before, after, forecast } = pausedMidway(['P0D', 'P1D', 'P1D', 'P1D'], pauseAt, until, MON + 40 * DAY);
    expect(show(before)).toEqual(['intro/s1 2026-11-02T09:00:00-05:00']);
    // s2, due on Tuesday the 3rd, waits for the end of the pause (midnight: the window opens at
    // 09:00); s3 and s4 wait a day from it, and the 36-hour gap puts each on the second morning.
    expect(show(after)).toEqual([
      'intro/s2 2026-11-16T09:00:00-05:00',
      'intro/s3 2026-11-18T09:00:00-05:00',
      'intro/s4 2026-11-20T09:00:00-05:00',
    ]);
    expect(forecast.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(after));
    expect(forecast[0]!.reason).toBe(
      'pause: paused until 2026-11-16T00:00:00-05:00; send-window: outside 09:00–17:00 America/New_York',
    );
  });

  it('says why, and until when', () => {
    const until = at('2026-11-16T00:00:00-05:00');
    const ctx = planContext(p, [sequence('intro', ['P0D', 'P1D'])]);
    const fresh = leadState({ pause: { since: MON, until } });
    const outcome = advanceLead(ctx, fresh, MON).outcome;
    expect(outcome).toEqual({ kind: 'idle', cause: 'paused', reason: 'paused', until });
    expect(whyNoMail({ ctx, state: fresh, now: MON, outcome, score: 0, zone: NY })).toEqual({
      cause: 'paused',
      text: 'paused until 2026-11-16T00:00:00-05:00',
      until,
    });
    const forever = leadState({ pause: { since: MON, until: null } });
    const held = advanceLead(ctx, forever, MON).outcome;
    expect(whyNoMail({ ctx, state: forever, now: MON, outcome: held, score: 0, zone: NY })?.text).toBe(
      'paused until resumed (nurture leads resume)',
    );
    expect(simulateHourly(ctx, forever, [], MON, MON + 30 * DAY)).toEqual([]);
    expect(forecastLead(ctx, leadState({ pause: { since: MON, until: null } }), MON, MON + 30 * DAY)).toEqual([]);
  });

  it('still leaves its sequence on an exit event while paused', () => {
    const ctx = planContext(p, [sequence('intro', ['P0D', 'P1D'])]);
    const state = leadState();
    simulateHourly(ctx, state, [], MON, MON + HOUR);
    state.profile = { ...state.profile, pause: { since: MON + HOUR, until: null } };
    state.events = [{ type: 'replied', at: MON + 2 * HOUR, url: '' }];
    const { bookkeeping } = advanceLead(ctx, state, MON + 3 * HOUR);
    expect(bookkeeping).toEqual([{ kind: 'exit', sequenceId: 'intro', reason: 'event replied' }]);
  });

  it('never gets mail during any pause, keeps the caps after it, and the forecast made at the pause is what the runs send (property)', () => {
    const waits = fc.array(fc.constantFrom('P0D', 'PT4H', 'P1D', 'P2D', '2 business days'), { minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(
        waits,
        fc.integer({ min: 0, max: 10 * 24 }),
        fc.option(fc.integer({ min: 1, max: 20 * 24 })),
        (w, startHours, lengthHours) => {
          const pauseAt = MON + startHours * HOUR;
          const until = lengthHours === null ? null : pauseAt + lengthHours * HOUR;
          const end = MON + 50 * DAY;
          const { before, after, forecast } = pausedMidway(['P0D', ...w], pauseAt, until, end);
          const stop = until ?? end;
          expect(after.filter((s) => s.at < stop)).toEqual([]);
          expect(forecast.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(after));
          const all = [...before, ...after].map((s) => s.at);
          for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBeGreaterThanOrEqual(36 * HOUR);
          for (const t of all) expect(all.filter((u) => u > t - 7 * DAY && u <= t).length).toBeLessThanOrEqual(3);
          // What the pause held goes out afterwards: every step is sent by the end of a finite pause.
          if (until !== null) expect(before.length + after.length).toBe(w.length + 1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a paused sequence', () => {
  it('enrols no one and holds its enrolled leads; they resume without a burst once it is unpaused', () => {
    const intro = sequence('intro', ['P0D', 'P1D', 'P1D', 'P1D']);
    const other = sequence('other', ['P0D'], { priority: -1 });
    const state = leadState();
    const sent = simulateHourly(planContext(p, [intro, other]), state, [], MON, MON + HOUR);
    const pausedCtx = planContext(p, [{ ...intro, paused: true }, other]);
    const held = simulateHourly(pausedCtx, state, [], MON + HOUR, MON + 14 * DAY);
    expect(held).toEqual([]);
    const outcome = advanceLead(pausedCtx, state, MON + 14 * DAY).outcome;
    expect(whyNoMail({ ctx: pausedCtx, state, now: MON + 14 * DAY, outcome, score: 0, zone: NY })).toEqual({
      cause: 'sequence-paused',
      text: 'sequence intro is paused (paused: true in its file): its leads wait',
    });
    // A new lead waits for the paused sequence rather than falling through to `other`.
    expect(advanceLead(pausedCtx, leadState({ id: 2, email: 'bo@example.com' }), MON).outcome).toMatchObject({
      kind: 'idle',
      cause: 'sequence-paused',
    });
    const resumed = simulateHourly(planContext(p, [intro, other]), state, [], MON + 14 * DAY, MON + 30 * DAY);
    expect(show([...sent, ...resumed])).toEqual([
      'intro/s1 2026-11-02T09:00:00-05:00',
      'intro/s2 2026-11-16T09:00:00-05:00',
      'intro/s3 2026-11-18T09:00:00-05:00',
      'intro/s4 2026-11-20T09:00:00-05:00',
      'other/s1 2026-11-23T09:00:00-05:00',
    ]);
  });
});
