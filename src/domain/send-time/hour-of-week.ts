import type { ZoneDays } from '../../time/zone-days.js';

const HOUR_MS = 3_600_000;
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The local hour of the week of an instant in a zone: (ISO weekday − 1) × 24 + hour since local
 * midnight. On a DST day the hours are counted from midnight as elapsed time and capped at 23, so
 * a 25-hour autumn day puts its last hour in 23 with the one before it (a night hour, outside any
 * send window); the window checks themselves use wall times (send-window.ts).
 */
export function hourOfWeek(zoneDays: ZoneDays, zone: string, at: number): number {
  const day = zoneDays.dayOf(zone, at);
  const hour = Math.min(23, Math.floor((at - day.startMs) / HOUR_MS));
  return (day.weekday - 1) * 24 + hour;
}

const two = (n: number) => String(n).padStart(2, '0');

/** "Tue 08:00–09:00". */
export function hourOfWeekLabel(bin: number): string {
  return `${DAY_NAMES[Math.floor(bin / 24)]} ${hourLabel(bin)}`;
}

/** "08:00–09:00": the hour of the day of a bin. */
export function hourLabel(bin: number): string {
  const hour = bin % 24;
  return `${two(hour)}:00–${two((hour + 1) % 24)}:00`;
}
