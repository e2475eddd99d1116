import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDuration, parseDuration } from '../../src/time/duration.js';
import { addLocalDays, fromLocalMs, localDayAndMinute } from '../../src/time/wall-clock.js';
import { ZONES } from './arbitraries.js';
import { at, local } from './fixtures.js';

/** The luxon-free wall-clock arithmetic agrees with luxon everywhere, DST gaps and overlaps included. */

const luxonPlusDays = (t: number, zone: string, days: number) =>
  DateTime.fromMillis(t, { zone }).plus({ days }).toMillis();

const zoneArb = fc.constantFrom(...ZONES, 'America/New_York', 'Australia/Lord_Howe', 'America/Havana');
// 2025–2029 at any minute, so every DST change of those years is crossed somewhere.
const instantArb = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z') / 60_000, max: Date.parse('2029-12-31T00:00:00Z') / 60_000 }).map((m) => m * 60_000);

describe('wall-clock day arithmetic without a DateTime per call', () => {
  it('adds days exactly as luxon does, for random zones, instants and day counts', () => {
    fc.assert(
      fc.property(zoneArb, instantArb, fc.integer({ min: 0, max: 400 }), (zone, t, days) => {
        expect(addLocalDays(zone, t, days)).toBe(luxonPlusDays(t, zone, days));
      }),
      { numRuns: 3000 },
    );
  });

  it('adds ISO durations with days and hours exactly as luxon does', () => {
    const durations = ['P1D', 'P3D', 'P1W', 'P2DT6H', 'PT36H', 'P0D'];
    fc.assert(
      fc.property(zoneArb, instantArb, fc.constantFrom(...durations), (zone, t, iso) => {
        const luxon = DateTime.fromMillis(t, { zone }).plus({ days: parseDuration(iso)!.calendar.days }).toMillis();
        expect(addDuration(t, parseDuration(iso)!, zone)).toBe(luxon + parseDuration(iso)!.fixedMs);
      }),
      { numRuns: 2000 },
    );
  });

  it('lands a wall time inside a DST gap an hour (or half an hour) later, like luxon', () => {
    // 2026-03-07 02:30 New York + 1 day = 2026-03-08 02:30, which does not exist → 03:30 EDT.
    expect(local(addLocalDays('America/New_York', at('2026-03-07T02:30:00-05:00'), 1), 'America/New_York')).toBe(
      '2026-03-08T03:30:00-04:00',
    );
    // Lord Howe springs forward 30 minutes at 02:00 on 2026-10-04.
    expect(
      local(addLocalDays('Australia/Lord_Howe', at('2026-10-03T02:15:00+10:30'), 1), 'Australia/Lord_Howe'),
    ).toBe('2026-10-04T02:45:00+11:00');
    // In the repeated hour of a fall-back night the earlier (summer) instant wins, as in luxon.
    const overlap = addLocalDays('Europe/London', at('2026-10-24T01:30:00+01:00'), 1);
    expect(local(overlap, 'Europe/London')).toBe('2026-10-25T01:30:00+01:00');
  });

  it('crosses a leap day and the year end', () => {
    expect(local(addLocalDays('Asia/Kathmandu', at('2028-02-28T10:00:00+05:45'), 1), 'Asia/Kathmandu')).toBe(
      '2028-02-29T10:00:00+05:45',
    );
    expect(local(addLocalDays('Pacific/Chatham', at('2026-12-31T09:00:00+13:45'), 1), 'Pacific/Chatham')).toBe(
      '2027-01-01T09:00:00+13:45',
    );
  });

  it('reads local dates and minutes, and converts them back', () => {
    const t = at('2026-11-24T09:45:00+05:45');
    const { dayNumber, minute } = localDayAndMinute('Asia/Kathmandu', t);
    expect(new Date(dayNumber * 86_400_000).toISOString().slice(0, 10)).toBe('2026-11-24');
    expect(minute).toBe(9 * 60 + 45);
    expect(fromLocalMs('Asia/Kathmandu', dayNumber * 86_400_000 + minute * 60_000, 345)).toBe(t);
  });
});
