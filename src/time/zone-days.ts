import { DateTime } from 'luxon';
import { DAY_MS } from './clock.js';

/**
 * One local calendar day in one zone, digested once and cached: everything the window and cap
 * rules need without constructing a zoned DateTime per lead (about 9 µs each).
 *
 * `dayNumber` counts local dates from 1970-01-01 (so dayNumber + 1 is the next local date).
 * `startMs`/`endMs` are the instants the local day begins and ends: 23 or 25 hours apart on DST
 * days (e.g. America/New_York on 2026-03-08 is 23 h long), 23.5 h on Australia/Lord_Howe's.
 */
export interface ZoneDay {
  readonly zone: string;
  readonly dayNumber: number;
  readonly localDate: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  readonly startMs: number;
  readonly endMs: number;
}

export function dayNumberToDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDayNumber(localDate: string): number {
  return Math.floor(Date.parse(`${localDate}T00:00:00Z`) / DAY_MS);
}

export function weekdayOfDayNumber(dayNumber: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** Instant of a local wall time; a time inside a DST gap moves forward (02:30 → 03:30). */
export function localTimeToInstant(zone: string, dayNumber: number, minuteOfDay: number): number {
  const [year, month, day] = dayNumberToDate(dayNumber).split('-').map(Number) as [number, number, number];
  return DateTime.fromObject(
    { year, month, day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 },
    { zone },
  ).toMillis();
}

export class ZoneDays {
  /** Per zone, then per local day number: nested maps keep string keys off the hot path. */
  private readonly days = new Map<string, Map<number, ZoneDay>>();
  private readonly wallTimes = new Map<string, Map<number, number>>();

  day(zone: string, dayNumber: number): ZoneDay {
    let byDay = this.days.get(zone);
    if (!byDay) {
      byDay = new Map();
      this.days.set(zone, byDay);
    }
    let d = byDay.get(dayNumber);
    if (!d) {
      const startMs = localTimeToInstant(zone, dayNumber, 0);
      const endMs = localTimeToInstant(zone, dayNumber + 1, 0);
      d = {
        zone,
        dayNumber,
        localDate: dayNumberToDate(dayNumber),
        weekday: weekdayOfDayNumber(dayNumber),
        startMs,
        endMs,
      };
      byDay.set(dayNumber, d);
    }
    return d;
  }

  /** The local day containing an instant: three cached look-ups at most, no DateTime. */
  dayOf(zone: string, epochMs: number): ZoneDay {
    const utcDay = Math.floor(epochMs / DAY_MS);
    for (let i = 0; i < 3; i++) {
      const d = this.day(zone, i === 0 ? utcDay : i === 1 ? utcDay + 1 : utcDay - 1);
      if (d.startMs <= epochMs && epochMs < d.endMs) return d;
    }
    throw new Error(`no local day in ${zone} contains ${new Date(epochMs).toISOString()}`);
  }

  /** The instant of a wall time on a digested day, cached alongside it. */
  wallTime(zone: string, dayNumber: number, minuteOfDay: number): number {
    let byMinute = this.wallTimes.get(zone);
    if (!byMinute) {
      byMinute = new Map();
      this.wallTimes.set(zone, byMinute);
    }
    const key = dayNumber * 1440 + minuteOfDay;
    let t = byMinute.get(key);
    if (t === undefined) {
      t = localTimeToInstant(zone, dayNumber, minuteOfDay);
      byMinute.set(key, t);
    }
    return t;
  }
}
