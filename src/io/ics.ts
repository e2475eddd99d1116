import { ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { Aggregate } from '../run/aggregate.js';
import type { TouchItem } from '../run/items.js';

export interface IcsOptions {
  /** DTSTAMP: when the calendar was made (the app clock, not the system clock). */
  now: number;
  /** The opaque ref of a lead (see lead-ref.ts): UIDs must not carry the address. */
  refOf: (email: string) => string;
}

const TOUCH_MINUTES = 15;
const vtimezones = new Map<string, string | null>();

/**
 * A VTIMEZONE for the zone from current IANA data, or null when the library lacks the zone (the
 * event is then written in UTC). Current data matters: Brazil dropped DST in 2019, and a VTIMEZONE
 * from older data puts a São Paulo touch an hour off in every summer.
 */
function vtimezone(zone: string): string | null {
  if (!vtimezones.has(zone)) {
    const block = tzlib_get_ical_block(zone);
    vtimezones.set(zone, Array.isArray(block) && block[0] ? block[0] : null);
  }
  return vtimezones.get(zone) ?? null;
}

function newCalendar(name: string): ICalCalendar {
  const calendar = new ICalCalendar({ name, prodId: { company: 'Nurture', product: 'forecast', language: 'EN' } });
  calendar.timezone({ name: null, generator: vtimezone });
  return calendar;
}

/**
 * The stable UID of a touch: the same lead, sequence and step give the same UID in every export,
 * so a calendar client updates a moved touch instead of adding a second one.
 */
export function touchUid(refOf: (email: string) => string, item: TouchItem): string {
  return `${refOf(item.lead)}.${item.sequence}.${item.step}@nurture`;
}

/** One VEVENT per touch, at its local time in the lead's zone (RFC 5545, with VTIMEZONEs). */
export function touchesToIcs(forecast: { items: readonly TouchItem[] }, options: IcsOptions): string {
  const calendar = newCalendar('Nurture forecast');
  const stamp = new Date(options.now);
  for (const item of forecast.items) {
    const zoned = vtimezone(item.zone) !== null;
    const start = DateTime.fromISO(item.at, { zone: zoned ? item.zone : 'UTC' });
    calendar.createEvent({
      id: touchUid(options.refOf, item),
      stamp,
      start,
      end: start.plus({ minutes: TOUCH_MINUTES }),
      timezone: zoned ? item.zone : null,
      summary: `${item.sequence}/${item.step} (${item.force}) to ${item.lead}`,
      description: item.reason ? `Why this time: ${item.reason}` : null,
      categories: [{ name: item.force }, { name: item.sequence }],
    });
  }
  return calendar.toString();
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** One all-day VEVENT per local day with its counts by sequence and force and its deferrals. */
export function aggregateToIcs(aggregate: Aggregate, options: Pick<IcsOptions, 'now'>): string {
  if (aggregate.by !== 'day') throw new Error('aggregateToIcs: only a per-day aggregate is a calendar');
  const calendar = newCalendar('Nurture forecast by day');
  const stamp = new Date(options.now);
  for (const row of aggregate.rows) {
    const day = DateTime.fromISO(row.key, { zone: 'UTC' });
    calendar.createEvent({
      id: `day.${row.key}@nurture`,
      stamp,
      start: day,
      end: day.plus({ days: 1 }),
      allDay: true,
      summary: `${row.total} touch${row.total === 1 ? '' : 'es'}: ${counts(row.bySequence)}`,
      description: [
        `By force: ${counts(row.byForce)}`,
        `Deferred: ${row.deferred}${row.deferred ? ` (${counts(row.deferredBy)})` : ''}`,
      ].join('\n'),
    });
  }
  return calendar.toString();
}
