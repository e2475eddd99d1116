import { DAY_MS, MINUTE_MS } from './clock.js';
import { offsetMinutes } from './offsets.js';

/**
 * Wall-clock arithmetic without a luxon DateTime per call: the zone's offset comes from the
 * quarter-hour cache in offsets.ts, and local fields are plain UTC arithmetic on "local ms"
 * (the instant shifted by its offset). Checked against luxon in test/cadence/wall-clock.test.ts.
 */

/** The instant shifted by the zone's offset: its UTC fields are the local wall-clock fields. */
export function toLocalMs(zone: string, epochMs: number): number {
  return epochMs + offsetMinutes(zone, epochMs) * MINUTE_MS;
}

/**
 * The instant of a local wall time, resolving DST exactly as luxon does (its `fixOffset`):
 * start from a guessed offset (the one before the change, for "same time tomorrow"), correct
 * once, and inside a gap (02:30 on a spring-forward night) move forward by the gap.
 * Worked example: America/New_York, 2026-03-08 02:30 does not exist; with the guess −05:00 the
 * instant is 07:30Z, whose offset is −04:00, so the wall time reads 03:30 — as luxon gives.
 */
export function fromLocalMs(zone: string, localMs: number, guessOffset: number): number {
  let utc = localMs - guessOffset * MINUTE_MS;
  const o2 = offsetMinutes(zone, utc);
  if (o2 === guessOffset) return utc;
  utc -= (o2 - guessOffset) * MINUTE_MS;
  const o3 = offsetMinutes(zone, utc);
  if (o2 === o3) return utc;
  return localMs - Math.min(o2, o3) * MINUTE_MS;
}

/** Adds whole local days keeping the wall time ("same time in N days"), across DST changes. */
export function addLocalDays(zone: string, epochMs: number, days: number): number {
  if (days === 0) return epochMs;
  const offset = offsetMinutes(zone, epochMs);
  return fromLocalMs(zone, epochMs + offset * MINUTE_MS + days * DAY_MS, offset);
}

/** The local date (days since 1970-01-01) and minute of day of an instant in a zone. */
export function localDayAndMinute(zone: string, epochMs: number): { dayNumber: number; minute: number } {
  const local = toLocalMs(zone, epochMs);
  const dayNumber = Math.floor(local / DAY_MS);
  return { dayNumber, minute: Math.floor((local - dayNumber * DAY_MS) / MINUTE_MS) };
}
