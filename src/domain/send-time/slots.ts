import { dayNumberToDate } from '../../time/zone-days.js';
import type { Where, WindowContext } from '../send-window.js';
import type { SendTimeSettings } from './types.js';

const HOUR_MS = 3_600_000;
/** Days looked at past the first open moment at most (a long weekend and a holiday). */
const MAX_DAYS = 14;

export interface Slot {
  at: number;
  /** Local hour of the week (hour-of-week.ts). */
  bin: number;
  /** Local day number. */
  day: number;
}

export interface SlotsInput {
  /** The first open moment: a run tick the placement allowed. */
  first: number;
  where: Where;
  windows: WindowContext;
  runEveryMs: number;
  settings: Pick<SendTimeSettings, 'maxDelay'>;
  /** Local days closed by a season, as placement sees them. */
  closedDay?: (dayNumber: number) => unknown;
}

/** Slots per zone, country and first open moment (before season-closed days are taken out): leads share them. */
const memo = new WeakMap<WindowContext, WeakMap<SlotsInput['settings'], Map<string, Map<number, Slot[]>>>>();
const MEMO_LIMIT = 50_000;

/**
 * The run ticks in [first, first + maxDelay] on open days inside the send window, in time order,
 * the first open moment first. Caps and the minimum gap need no check here: they count earlier
 * sends, and a moment after one they allow is allowed too; the caller still places the chosen
 * slot through placeTouch, so a slot outside a rule can never be used.
 *
 * Worked example: first open moment Fri 16:00 Berlin, window 09:00–17:00 Mon–Fri, maxDelay P1D:
 * one business day later is Mon 16:00, so the slots are Fri 16:00 and Mon 09:00 … 16:00.
 */
export function candidateSlots(input: SlotsInput): Slot[] {
  const { windows, where, first } = input;
  let bySettings = memo.get(windows);
  if (!bySettings) memo.set(windows, (bySettings = new WeakMap()));
  let byPlace = bySettings.get(input.settings);
  if (!byPlace) bySettings.set(input.settings, (byPlace = new Map()));
  const place = where.country === '' ? where.zone : `${where.zone}|${where.country}`;
  let byFirst = byPlace.get(place);
  if (!byFirst) byPlace.set(place, (byFirst = new Map()));
  let slots = byFirst.get(first);
  if (!slots) {
    if (byFirst.size > MEMO_LIMIT) byFirst.clear();
    byFirst.set(first, (slots = openSlots(input)));
  }
  const closed = input.closedDay;
  if (!closed) return slots;
  // The first open moment is open by construction; later days a season closes are left out.
  let day = slots[0]!.day;
  const last = slots[slots.length - 1]!.day;
  let none = true;
  for (let d = day + 1; d <= last && none; d++) if (closed(d)) none = false;
  if (none) return slots;
  let shut = false;
  return slots.filter((s, i) => {
    if (i === 0) return true;
    if (s.day !== day) shut = !!closed((day = s.day));
    return !shut;
  });
}

function openSlots(input: SlotsInput): Slot[] {
  const { first, where, windows, runEveryMs } = input;
  const { zoneDays, window } = windows;
  const firstDay = zoneDays.dayOf(where.zone, first);
  const end = delayEnd(input, firstDay.dayNumber, first - firstDay.startMs);
  const out: Slot[] = [{ at: first, bin: binOf(firstDay.weekday, first - firstDay.startMs), day: firstDay.dayNumber }];
  for (let d = firstDay.dayNumber, i = 0; i < MAX_DAYS; d++, i++) {
    const day = zoneDays.day(where.zone, d);
    if (day.startMs > end) break;
    if (!openDay(windows, where, d, day.weekday)) continue;
    const from = zoneDays.wallTime(where.zone, d, window.fromMinute);
    const to = zoneDays.wallTime(where.zone, d, window.toMinute);
    for (let t = Math.ceil(Math.max(first + 1, from) / runEveryMs) * runEveryMs; t < to && t <= end; t += runEveryMs)
      out.push({ at: t, bin: binOf(day.weekday, t - day.startMs), day: d });
  }
  return out;
}

const binOf = (weekday: number, sinceMidnight: number) => (weekday - 1) * 24 + Math.min(23, Math.floor(sinceMidnight / HOUR_MS));

function openDay(windows: WindowContext, where: Where, dayNumber: number, weekday: number): boolean {
  if (!windows.window.days.includes(weekday)) return false;
  return !(where.country && windows.holidays?.holidayOn(where.country, dayNumberToDate(dayNumber)));
}

/**
 * The latest slot: as long after the start of its local day as the first open moment is after
 * the start of its own, N business days (send days, not holidays) later; or a fixed time later.
 */
function delayEnd(input: SlotsInput, firstDayNumber: number, sinceMidnight: number): number {
  const { maxDelay } = input.settings;
  if ('ms' in maxDelay) return input.first + maxDelay.ms;
  const { zoneDays } = input.windows;
  let d = firstDayNumber;
  for (let left = maxDelay.businessDays, guard = 0; left > 0 && guard < MAX_DAYS; guard++) {
    d++;
    if (openDay(input.windows, input.where, d, zoneDays.day(input.where.zone, d).weekday)) left--;
  }
  return zoneDays.day(input.where.zone, d).startMs + sinceMidnight;
}
