import { describe, expect, it } from 'vitest';
import { advanceLead, type Decision } from '../../src/domain/lead-plan.js';
import type { SeasonRule } from '../../src/domain/types.js';
import { forecastLead } from '../../src/run/forecast.js';
import { parseDuration } from '../../src/time/duration.js';
import { SeasonCalendar } from '../../src/time/recurrence.js';
import { dateToDayNumber } from '../../src/time/zone-days.js';
import { at, DAY, leadState, local, planContext, policy, type SimSend, STEADY, sequence, simulateHourly } from './fixtures.js';

/** Seasons from rrule, expanded in local wall time: pace, pauses and sequences limited to a season. */

const season = (id: string, rrule: string, duration: string, over: Partial<SeasonRule> = {}): SeasonRule => ({
  id,
  pace: 1,
  pause: false,
  days: new SeasonCalendar(rrule, parseDuration(duration)!),
  ...over,
});
const NOVEMBER = season('november-peak', 'FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1', 'P1M', { pace: 2 });
const FEBRUARY = season('february-pause', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=1', 'P1M', { pause: true });
const day = (date: string) => dateToDayNumber(date);
const show = (sends: SimSend[], zone = 'America/New_York') =>
  sends.map((s) => `${s.sequenceId}/${s.stepId} ${local(s.at, zone)}`);

describe('season calendars', () => {
  it('cover local days from the rule, year after year, leap February included', () => {
    expect(NOVEMBER.days.contains(day('2026-10-31'))).toBe(false);
    expect(NOVEMBER.days.contains(day('2026-11-01'))).toBe(true);
    expect(NOVEMBER.days.contains(day('2026-11-30'))).toBe(true);
    expect(NOVEMBER.days.contains(day('2026-12-01'))).toBe(false);
    expect(NOVEMBER.days.contains(day('2031-11-15'))).toBe(true);
    expect(FEBRUARY.days.contains(day('2028-02-29'))).toBe(true);
    expect(FEBRUARY.days.contains(day('2028-03-01'))).toBe(false);
    expect(FEBRUARY.days.nextDay(day('2026-02-10'), false)).toBe(day('2026-03-01'));
    // A season that runs over the year end: 15 December for three weeks.
    const winter = season('winter', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15', 'P3W');
    expect(winter.days.contains(day('2027-01-04'))).toBe(true);
    expect(winter.days.contains(day('2027-01-05'))).toBe(false);
  });
});

describe('seasons in the planner', () => {
  it('a peak season speeds the pace: waits that start in it are divided by its pace', () => {
    const p = policy({ seasons: [NOVEMBER], cadence: STEADY });
    const seq = sequence('intro', ['P0D', 'P4D', 'P4D']);
    const october = at('2026-10-26T09:00:00-04:00');
    const before = simulateHourly(planContext(p, [seq]), leadState(), [], october, october + 20 * DAY);
    // Anchored in October (26th, 30th): plain P4D, even when the touch lands in November.
    expect(show(before).slice(1)).toEqual(['intro/s2 2026-10-30T09:00:00-04:00', 'intro/s3 2026-11-03T09:00:00-05:00']);
    const november = at('2026-11-02T09:00:00-05:00');
    const during = simulateHourly(planContext(p, [seq]), leadState(), [], november, november + 20 * DAY);
    expect(show(during)).toEqual([
      'intro/s1 2026-11-02T09:00:00-05:00',
      'intro/s2 2026-11-04T09:00:00-05:00',
      'intro/s3 2026-11-06T09:00:00-05:00',
    ]);
  });

  it('a pause defers every touch to the day after it, with the season as the reason', () => {
    const p = policy({ seasons: [FEBRUARY], cadence: STEADY });
    const ctx = planContext(p, [sequence('intro', ['P0D', 'P2D'])]);
    const start = at('2026-01-29T09:00:00-05:00');
    const sends = simulateHourly(ctx, leadState(), [], start, start + 40 * DAY);
    // Thursday 29 January, then Saturday → Monday 2 February is paused → Monday 2 March.
    expect(show(sends)).toEqual(['intro/s1 2026-01-29T09:00:00-05:00', 'intro/s2 2026-03-02T09:00:00-05:00']);
    const state = leadState();
    const ctx2 = planContext(p, [sequence('intro', ['P0D', 'P2D'])]);
    advanceLead(ctx2, state, start);
    state.sends.push({ sequenceId: 'intro', stepId: 's1', status: 'sent', at: start });
    const wait = advanceLead(ctx2, state, start).outcome;
    expect(wait).toMatchObject({ kind: 'wait' });
    expect((wait as Extract<Decision, { kind: 'wait' }>).reasons).toContainEqual({
      rule: 'season',
      detail: 'february-pause: paused',
    });
  });

  it('a sequence limited to a season enrols only in it and ends with it; the forecast agrees', () => {
    const p = policy({ seasons: [{ ...NOVEMBER, pace: 1 }], cadence: STEADY });
    const seqs = [
      sequence('peak-offer', ['P0D', 'P7D', 'P7D', 'P7D', 'P7D', 'P7D'], { season: 'november-peak', priority: 9 }),
      sequence('later', ['P0D'], { priority: 1, audience: { stages: ['interest'] } }),
    ];
    const start = at('2026-10-20T09:30:00+05:30'); // runs on the UTC hour
    const zone = 'Asia/Kolkata';
    const lead = { timezone: zone, country: 'IN' };
    const decisions: Decision[] = [];
    const sends = simulateHourly(planContext(p, seqs), leadState(lead), [], start, start + 50 * DAY, (a) =>
      decisions.push(...a.bookkeeping),
    );
    // Enrolled at local midnight of 1 November (Sunday); the run tick is on the UTC hour (+05:30).
    expect(show(sends, zone)).toEqual([
      'peak-offer/s1 2026-11-02T09:30:00+05:30',
      'peak-offer/s2 2026-11-09T09:30:00+05:30',
      'peak-offer/s3 2026-11-16T09:30:00+05:30',
      'peak-offer/s4 2026-11-23T09:30:00+05:30',
      'peak-offer/s5 2026-11-30T09:30:00+05:30',
    ]);
    expect(decisions.at(-1)).toEqual({ kind: 'exit', sequenceId: 'peak-offer', reason: 'season november-peak is over' });
    const items = forecastLead(planContext(p, seqs), leadState(lead), start, start + 50 * DAY);
    expect(items.map((i) => `${i.sequence}/${i.step} ${i.at}`)).toEqual(show(sends, zone));
  });
});
