import { describe, expect, it } from 'vitest';
import { advanceLead } from '../../src/domain/lead-plan.js';
import { placeTouch } from '../../src/domain/placement.js';
import { nextOpenInstant, windowAt } from '../../src/domain/send-window.js';
import type { Policy } from '../../src/domain/types.js';
import { addDuration, parseDuration } from '../../src/time/duration.js';
import { at, leadState, local, planContext, policy, STEADY, sequence, simulateHourly } from './fixtures.js';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const allWeek = (over: Partial<Policy> = {}) =>
  policy({ window: { days: EVERY_DAY, fromMinute: 9 * 60, toMinute: 17 * 60 }, ...over });

/** Where the window opens at or after `from` (an ISO string with offset), shown in `zone`. */
function opens(p: Policy, zone: string, from: string, country = ''): string {
  const ctx = planContext(p, []);
  return local(nextOpenInstant(ctx.windows, { zone, country }, at(from)), zone);
}

/** Where a touch due at `due` lands on the hourly run ticks (aligned to UTC hours). */
function lands(p: Policy, zone: string, due: string, country = ''): string {
  const ctx = planContext(p, []);
  const t = at(due);
  return local(
    placeTouch({ now: t, due: t, where: { zone, country }, sentAt: [], policy: p, windows: ctx.windows }).at,
    zone,
  );
}

describe('DST changes keep the window at 09:00 local', () => {
  const cases: [string, string, string[]][] = [
    [
      'America/New_York',
      'spring forward 2026-03-08',
      ['2026-03-07T09:00:00-05:00', '2026-03-08T09:00:00-04:00', '2026-03-09T09:00:00-04:00'],
    ],
    [
      'America/New_York',
      'fall back 2026-11-01',
      ['2026-10-31T09:00:00-04:00', '2026-11-01T09:00:00-05:00', '2026-11-02T09:00:00-05:00'],
    ],
    [
      'Europe/London',
      'spring forward 2026-03-29',
      ['2026-03-28T09:00:00Z', '2026-03-29T09:00:00+01:00', '2026-03-30T09:00:00+01:00'],
    ],
    [
      'Europe/London',
      'fall back 2026-10-25',
      ['2026-10-24T09:00:00+01:00', '2026-10-25T09:00:00Z', '2026-10-26T09:00:00Z'],
    ],
  ];
  for (const [zone, label, days] of cases) {
    it(`${zone} ${label}`, () => {
      for (const day of days) {
        const previousEvening = local(at(day) - 15 * 3_600_000, zone);
        expect(opens(allWeek(), zone, previousEvening)).toBe(day.replace('Z', '+00:00'));
        // 09:00 falls on a UTC hour in these zones, so the run tick is 09:00 too.
        expect(lands(allWeek(), zone, previousEvening)).toBe(day.replace('Z', '+00:00'));
      }
    });
  }

  it('a P1D wait keeps the wall time across both changes', () => {
    const p1d = parseDuration('P1D')!;
    const next = (iso: string, zone: string) => local(addDuration(at(iso), p1d, zone), zone);
    expect(next('2026-03-07T10:00:00-05:00', 'America/New_York')).toBe('2026-03-08T10:00:00-04:00');
    expect(next('2026-10-31T10:00:00-04:00', 'America/New_York')).toBe('2026-11-01T10:00:00-05:00');
    expect(next('2026-03-28T10:00:00Z', 'Europe/London')).toBe('2026-03-29T10:00:00+01:00');
    expect(next('2026-10-24T10:00:00+01:00', 'Europe/London')).toBe('2026-10-25T10:00:00+00:00');
  });

  it('a sequence with P1D waits sends at the same local time through the change', () => {
    // Steady cadence: the default would slow the fourth touch after three unopened sends.
    const ctx = planContext({ ...allWeek(), cadence: STEADY }, [sequence('daily', ['P0D', 'P1D', 'P1D', 'P1D'])]);
    const sends = simulateHourly(
      ctx,
      leadState(),
      [],
      at('2026-03-06T10:00:00-05:00'),
      at('2026-03-12T00:00:00Z'),
    );
    expect(sends.map((s) => local(s.at, 'America/New_York'))).toEqual([
      '2026-03-06T10:00:00-05:00',
      '2026-03-07T10:00:00-05:00',
      '2026-03-08T10:00:00-04:00',
      '2026-03-09T10:00:00-04:00',
    ]);
  });

  it('a window start inside the DST gap moves forward (02:30 → 03:30 New York)', () => {
    const p = allWeek({ window: { days: EVERY_DAY, fromMinute: 2 * 60 + 30, toMinute: 17 * 60 } });
    const zone = 'America/New_York';
    expect(opens(p, zone, '2026-03-07T20:00:00-05:00')).toBe('2026-03-08T03:30:00-04:00');
    expect(opens(p, zone, '2026-03-08T20:00:00-04:00')).toBe('2026-03-09T02:30:00-04:00');
    expect(
      windowAt(planContext(p, []).windows, { zone, country: '' }, at('2026-03-08T03:15:00-04:00')),
    ).toMatchObject({
      open: false,
      rule: 'send-window',
    });
  });
});

describe('Australia/Lord_Howe shifts by 30 minutes', () => {
  const zone = 'Australia/Lord_Howe';
  it('opens at 09:00 local on both sides; the UTC-hour tick lands on 09:30 at +10:30', () => {
    // DST starts 2026-10-04 02:00 → 02:30 (+10:30 → +11:00).
    expect(opens(allWeek(), zone, '2026-10-02T20:00:00+10:30')).toBe('2026-10-03T09:00:00+10:30');
    expect(opens(allWeek(), zone, '2026-10-03T20:00:00+10:30')).toBe('2026-10-04T09:00:00+11:00');
    expect(lands(allWeek(), zone, '2026-10-02T20:00:00+10:30')).toBe('2026-10-03T09:30:00+10:30');
    expect(lands(allWeek(), zone, '2026-10-03T20:00:00+10:30')).toBe('2026-10-04T09:00:00+11:00');
    // DST ends 2026-04-05 02:00 → 01:30 (+11:00 → +10:30).
    expect(lands(allWeek(), zone, '2026-04-03T20:00:00+11:00')).toBe('2026-04-04T09:00:00+11:00');
    expect(lands(allWeek(), zone, '2026-04-04T20:00:00+11:00')).toBe('2026-04-05T09:30:00+10:30');
  });

  it('a 02:15 window start inside its 30-minute gap moves to 02:45', () => {
    const p = allWeek({ window: { days: EVERY_DAY, fromMinute: 2 * 60 + 15, toMinute: 17 * 60 } });
    expect(opens(p, zone, '2026-10-03T20:00:00+10:30')).toBe('2026-10-04T02:45:00+11:00');
  });
});

describe('zones with :30 and :45 offsets', () => {
  // Ticks are UTC hours: local 09:00 at +05:30 is 03:30Z, so the first run inside is 04:00Z = 09:30.
  const cases: [string, string, string, string][] = [
    ['Asia/Kolkata', '2026-07-06T20:00:00+05:30', '2026-07-07T09:00:00+05:30', '2026-07-07T09:30:00+05:30'],
    ['Asia/Kathmandu', '2026-07-06T20:00:00+05:45', '2026-07-07T09:00:00+05:45', '2026-07-07T09:45:00+05:45'],
    [
      'Pacific/Chatham',
      '2026-07-06T20:00:00+12:45',
      '2026-07-07T09:00:00+12:45',
      '2026-07-07T09:45:00+12:45',
    ],
    [
      'Pacific/Chatham',
      '2026-01-12T20:00:00+13:45',
      '2026-01-13T09:00:00+13:45',
      '2026-01-13T09:45:00+13:45',
    ],
    [
      'America/St_Johns',
      '2026-01-12T20:00:00-03:30',
      '2026-01-13T09:00:00-03:30',
      '2026-01-13T09:30:00-03:30',
    ],
    [
      'America/St_Johns',
      '2026-07-06T20:00:00-02:30',
      '2026-07-07T09:00:00-02:30',
      '2026-07-07T09:30:00-02:30',
    ],
  ];
  for (const [zone, due, open, tick] of cases) {
    it(`${zone} ${open.slice(19)}: window opens ${open.slice(11, 16)}, run tick ${tick.slice(11, 16)}`, () => {
      expect(opens(policy(), zone, due)).toBe(open);
      expect(lands(policy(), zone, due)).toBe(tick);
    });
  }
});

describe('calendar edges', () => {
  const zone = 'America/New_York';
  it('leap day 2028-02-29 is an ordinary Tuesday', () => {
    expect(lands(policy(), zone, '2028-02-28T18:00:00-05:00', 'US')).toBe('2028-02-29T09:00:00-05:00');
    const p1d = parseDuration('P1D')!;
    expect(local(addDuration(at('2028-02-29T10:00:00-05:00'), p1d, zone), zone)).toBe(
      '2028-03-01T10:00:00-05:00',
    );
  });

  it('year end: Thursday 2026-12-31 evening → Friday is New Year (US) → Monday 2027-01-04', () => {
    expect(lands(policy(), zone, '2026-12-31T18:00:00-05:00', 'US')).toBe('2027-01-04T09:00:00-05:00');
    expect(lands(policy(), zone, '2026-12-31T18:00:00-05:00', '')).toBe('2027-01-01T09:00:00-05:00');
    const ctx = planContext(policy(), []);
    expect(windowAt(ctx.windows, { zone, country: 'US' }, at('2027-01-01T10:00:00-05:00'))).toEqual({
      open: false,
      rule: 'holiday',
      detail: "New Year's Day (US, 2027-01-01)",
    });
  });
});

describe('public holidays by the lead country', () => {
  const ctx = planContext(policy(), []);
  const us = { zone: 'America/New_York', country: 'US' };
  const de = { zone: 'Europe/Berlin', country: 'DE' };
  it('US Thanksgiving 2026-11-26 is closed for a US lead, open for a DE lead', () => {
    expect(windowAt(ctx.windows, us, at('2026-11-26T10:00:00-05:00'))).toMatchObject({
      open: false,
      rule: 'holiday',
    });
    expect(windowAt(ctx.windows, de, at('2026-11-26T10:00:00+01:00'))).toEqual({ open: true });
    expect(lands(policy(), us.zone, '2026-11-25T18:00:00-05:00', 'US')).toBe('2026-11-27T09:00:00-05:00');
    expect(lands(policy(), de.zone, '2026-11-25T18:00:00+01:00', 'DE')).toBe('2026-11-26T09:00:00+01:00');
  });

  it('Christmas 2026-12-25/26 is closed for a DE lead; the touch waits for Monday the 28th', () => {
    expect(windowAt(ctx.windows, de, at('2026-12-25T10:00:00+01:00'))).toMatchObject({
      open: false,
      rule: 'holiday',
    });
    expect(lands(policy(), de.zone, '2026-12-24T18:00:00+01:00', 'DE')).toBe('2026-12-28T09:00:00+01:00');
    const sat = allWeek();
    expect(lands(sat, de.zone, '2026-12-24T18:00:00+01:00', 'DE')).toBe('2026-12-27T09:00:00+01:00');
  });

  it('the planner uses the lead country, and no holidays when the policy turns them off', () => {
    const seqs = [sequence('welcome', ['P0D'])];
    const thanksgiving = at('2026-11-26T10:00:00-05:00');
    const on = advanceLead(planContext(policy(), seqs), leadState({ country: 'US' }), thanksgiving);
    expect(on.outcome).toMatchObject({ kind: 'wait', reasons: [{ rule: 'send-window' }] });
    const off = advanceLead(planContext(policy({ holidays: false }), seqs), leadState(), thanksgiving);
    expect(off.outcome.kind).toBe('send');
  });
});
