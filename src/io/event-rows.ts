import { EVENT_TYPES, type EventType } from '../domain/types.js';
import { parseAddress } from './address.js';
import { EVENT_TYPE_ALIASES } from './presets.js';
import { eventTimeForms, parseEventTime } from './timestamps.js';
import type { EventField } from './types.js';

export interface ParsedEvent {
  email: string;
  type: EventType;
  occurredAt: number;
  url: string;
  externalId?: string;
  properties: Record<string, string>;
}

/** How event rows are read: the zone for times without an offset, and an explicit date format. */
export interface EventReading {
  zone: string;
  dateFormat?: string;
}

/** Our type, from ours or a tool's spelling ("Page View", "pageview", "Open"). */
function eventType(text: string): string {
  const key = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return EVENT_TYPE_ALIASES[key] ?? key;
}

/** Validates one event row; an event dated after `now` is rejected (clocks and exports go wrong). */
export function parseEventRow(
  fields: Partial<Record<EventField, string>>,
  properties: Record<string, string>,
  now: number,
  reading: EventReading = { zone: 'UTC' },
): { event: ParsedEvent } | { errors: string[] } {
  const errors: string[] = [];
  const get = (k: EventField) => (fields[k] ?? '').trim();
  const emailText = get('email');
  if (!emailText) errors.push('email: missing');
  const typeText = get('type');
  const type = eventType(typeText);
  if (!typeText) errors.push('type: missing');
  else if (!(EVENT_TYPES as readonly string[]).includes(type))
    errors.push(`type: "${typeText}" is not one of ${EVENT_TYPES.join(', ')}`);
  const occurredText = get('occurred_at');
  const occurredAt = occurredText ? parseEventTime(occurredText, reading.zone, reading.dateFormat) : null;
  if (!occurredText) errors.push('occurred_at: missing');
  else if (occurredAt === null)
    errors.push(`occurred_at: "${occurredText}" is not a date-time: ${eventTimeForms(reading.dateFormat)}`);
  else if (occurredAt > now)
    errors.push(`occurred_at: ${occurredText} is in the future (now is ${new Date(now).toISOString()})`);
  if (errors.length > 0) return { errors };
  const id = get('id');
  return {
    event: {
      // The lead's stored form (an IDN domain in Unicode); an address no lead can have goes to quarantine as written.
      email: parseAddress(emailText)?.email ?? emailText.toLowerCase(),
      type: type as EventType,
      occurredAt: occurredAt!,
      url: get('url'),
      externalId: id || undefined,
      properties,
    },
  };
}

/** The same id, or the same email + type + time + url, is the same event. */
export function eventDedupeKey(e: ParsedEvent): string {
  return e.externalId ? `id:${e.externalId}` : `k:${e.email}|${e.type}|${e.occurredAt}|${e.url}`;
}
