import { DateTime, Duration } from 'luxon';
import { addLocalDays } from './wall-clock.js';

/**
 * An ISO 8601 duration split into its calendar part (years, months, weeks, days: added in the
 * lead's wall time, so "P1D" across a DST change is still "same time tomorrow") and its fixed
 * part (hours, minutes, seconds: added as elapsed time).
 */
export interface ParsedDuration {
  readonly iso: string;
  readonly calendar: { years: number; months: number; days: number };
  readonly fixedMs: number;
  /** Upper-bound-free approximation used for rolling windows and sorting. */
  readonly approxMs: number;
}

const cache = new Map<string, ParsedDuration | null>();

export function parseDuration(iso: string): ParsedDuration | null {
  const hit = cache.get(iso);
  if (hit !== undefined) return hit;
  const d = Duration.fromISO(iso);
  let parsed: ParsedDuration | null = null;
  if (d.isValid) {
    const o = d.toObject();
    const calendar = { years: o.years ?? 0, months: o.months ?? 0, days: (o.days ?? 0) + 7 * (o.weeks ?? 0) };
    const fixedMs =
      ((o.hours ?? 0) * 3600 + (o.minutes ?? 0) * 60 + (o.seconds ?? 0)) * 1000 + (o.milliseconds ?? 0);
    const negative = Object.values(o).some((v) => typeof v === 'number' && v < 0);
    if (!negative) {
      parsed = {
        iso,
        calendar,
        fixedMs,
        approxMs: fixedMs + (calendar.years * 365 + calendar.months * 30 + calendar.days) * 86_400_000,
      };
    }
  }
  cache.set(iso, parsed);
  return parsed;
}

/**
 * Adds a duration to an instant as seen in `zone`. Days and weeks use the cached zone offsets
 * (no DateTime per call: this runs once per lead per run); only months and years, whose
 * month-end clamping luxon handles, build a DateTime.
 */
export function addDuration(epochMs: number, duration: ParsedDuration, zone: string): number {
  const { years, months, days } = duration.calendar;
  if (years === 0 && months === 0) return addLocalDays(zone, epochMs, days) + duration.fixedMs;
  const local = DateTime.fromMillis(epochMs, { zone }).plus({ years, months, days });
  return local.toMillis() + duration.fixedMs;
}
