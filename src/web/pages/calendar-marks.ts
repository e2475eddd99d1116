import type { SeasonRule } from '../../domain/types.js';
import type { HolidayCalendar } from '../../time/holidays.js';

const DAY_MS = 86_400_000;
/** Holidays are looked up for the countries with the most leads: the calendar marks what most of the base lives by. */
export const MARKED_COUNTRIES = 6;

export interface CalendarMark {
  id: string;
  title: string;
  start: string;
  allDay: true;
  display: 'background';
  classNames: string[];
}

/**
 * The days the calendar shades: paused seasons (no mail at all) and the public holidays (and
 * closed days of nurture.yaml) of the countries most leads are in, with how many leads each
 * holiday holds back. Local dates: a lead's holiday is its own local day, as the planner reads it.
 */
export function calendarMarks(input: {
  start: string;
  end: string;
  seasons: readonly SeasonRule[];
  holidays: HolidayCalendar;
  countries: readonly { country: string; leads: number }[];
}): CalendarMark[] {
  const first = Date.parse(`${input.start.slice(0, 10)}T00:00:00Z`);
  const last = Date.parse(`${input.end.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last - first > 400 * DAY_MS) return [];
  const countries = [...input.countries].filter((c) => c.country).sort((a, b) => b.leads - a.leads).slice(0, MARKED_COUNTRIES);
  const marks: CalendarMark[] = [];
  for (let t = first; t < last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const dayNumber = t / DAY_MS;
    for (const season of input.seasons)
      if (season.pause && season.days.contains(dayNumber))
        marks.push({ id: `season|${season.id}|${day}`, title: `${season.id}: paused, no mail`, start: day, allDay: true, display: 'background', classNames: ['season-pause'] });
    for (const c of countries) {
      const name = c.country && input.holidays.holidayOn(c.country, day);
      if (name)
        marks.push({
          id: `holiday|${c.country}|${day}`,
          title: `${name} (${c.country}: ${c.leads.toLocaleString('en-US')} ${c.leads === 1 ? 'lead' : 'leads'} wait)`,
          start: day,
          allDay: true,
          display: 'background',
          classNames: ['holiday'],
        });
    }
  }
  return marks;
}
