import type { HolidayCalendar } from '../time/holidays.js';
import type { ZoneDay, ZoneDays } from '../time/zone-days.js';
import type { SendWindowRule } from './types.js';

export interface WindowContext {
  window: SendWindowRule;
  holidays: HolidayCalendar | null;
  zoneDays: ZoneDays;
}

export interface Where {
  zone: string;
  /** ISO country (or country-region) for public holidays; empty: none known. */
  country: string;
}

export type WindowVerdict =
  | { open: true }
  | { open: false; rule: 'send-window' | 'send-days' | 'holiday'; detail: string };

const MAX_DAYS_AHEAD = 400;

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Whether the lead's local send window is open at `at`, and which rule closes it if not. */
export function windowAt(ctx: WindowContext, where: Where, at: number): WindowVerdict {
  const day = ctx.zoneDays.dayOf(where.zone, at);
  if (!ctx.window.days.includes(day.weekday)) {
    return { open: false, rule: 'send-days', detail: `${day.localDate} is not a send day in ${where.zone}` };
  }
  const holiday = where.country ? ctx.holidays?.holidayOn(where.country, day.localDate) : undefined;
  if (holiday)
    return { open: false, rule: 'holiday', detail: `${holiday} (${where.country}, ${day.localDate})` };
  const from = ctx.zoneDays.wallTime(where.zone, day.dayNumber, ctx.window.fromMinute);
  const to = ctx.zoneDays.wallTime(where.zone, day.dayNumber, ctx.window.toMinute);
  if (at < from || at >= to) {
    return {
      open: false,
      rule: 'send-window',
      detail: `outside ${hhmm(ctx.window.fromMinute)}–${hhmm(ctx.window.toMinute)} ${where.zone}`,
    };
  }
  return { open: true };
}

/** Per window context, per digested day, per country: why that day is shut (null: it is a send day). */
const shutDays = new WeakMap<WindowContext, WeakMap<ZoneDay, Map<string, string | null>>>();
const outsideHours = new WeakMap<WindowContext, Map<string, string>>();

/**
 * `windowAt`'s detail as text ('send window' when open), remembered per day, country and zone:
 * placement asks it for most touches, and the answer only changes with the day and the hours.
 */
export function windowDetail(ctx: WindowContext, where: Where, at: number): string {
  const day = ctx.zoneDays.dayOf(where.zone, at);
  let byDay = shutDays.get(ctx);
  if (!byDay) shutDays.set(ctx, (byDay = new WeakMap()));
  let byCountry = byDay.get(day);
  if (!byCountry) byDay.set(day, (byCountry = new Map()));
  let shut = byCountry.get(where.country);
  if (shut === undefined) {
    const verdict = windowAt(ctx, where, day.startMs + 1);
    shut = !verdict.open && verdict.rule !== 'send-window' ? verdict.detail : null;
    byCountry.set(where.country, shut);
  }
  if (shut !== null) return shut;
  const from = ctx.zoneDays.wallTime(where.zone, day.dayNumber, ctx.window.fromMinute);
  const to = ctx.zoneDays.wallTime(where.zone, day.dayNumber, ctx.window.toMinute);
  if (at >= from && at < to) return 'send window';
  let byZone = outsideHours.get(ctx);
  if (!byZone) outsideHours.set(ctx, (byZone = new Map()));
  let text = byZone.get(where.zone);
  if (text === undefined) {
    text = `outside ${hhmm(ctx.window.fromMinute)}–${hhmm(ctx.window.toMinute)} ${where.zone}`;
    byZone.set(where.zone, text);
  }
  return text;
}

/**
 * The earliest instant ≥ `at` inside the lead's send window, on a send day that is not a public
 * holiday. Window edges are wall times, so "09:00" stays 09:00 local on both sides of a DST
 * change; a wall time inside a DST gap (02:30 on a spring-forward night) moves forward an hour.
 */
export function nextOpenInstant(ctx: WindowContext, where: Where, at: number): number {
  let day = ctx.zoneDays.dayOf(where.zone, at);
  for (let i = 0; i < MAX_DAYS_AHEAD; i++) {
    const sendDay = ctx.window.days.includes(day.weekday);
    const holiday =
      sendDay && where.country ? ctx.holidays?.holidayOn(where.country, day.localDate) : undefined;
    if (sendDay && !holiday) {
      const from = ctx.zoneDays.wallTime(where.zone, day.dayNumber, ctx.window.fromMinute);
      const to = ctx.zoneDays.wallTime(where.zone, day.dayNumber, ctx.window.toMinute);
      if (at < to) return Math.max(at, from);
    }
    day = ctx.zoneDays.day(where.zone, day.dayNumber + 1);
  }
  throw new Error(`send window never opens within ${MAX_DAYS_AHEAD} days for ${where.zone}`);
}
