import { EVENT_TYPES, type EventType } from '../domain/types.js';
import { parseInstant } from '../time/zone.js';

export interface ParsedEvent {
  email: string;
  type: EventType;
  occurredAt: number;
  url: string;
  externalId?: string;
  properties: Record<string, string>;
}

const KNOWN = new Set(['email', 'type', 'occurred_at', 'id', 'url']);

/** Validates one event row; an event dated after `now` is rejected (clocks and exports go wrong). */
export function parseEventRow(
  fields: Record<string, string>,
  now: number,
): { event: ParsedEvent } | { errors: string[] } {
  const errors: string[] = [];
  const get = (k: string) => (fields[k] ?? '').trim();
  const email = get('email').toLowerCase();
  if (!email) errors.push('email: missing');
  const type = get('type');
  if (!type) errors.push('type: missing');
  else if (!(EVENT_TYPES as readonly string[]).includes(type))
    errors.push(`type: "${type}" is not one of ${EVENT_TYPES.join(', ')}`);
  const occurredText = get('occurred_at');
  const occurredAt = occurredText ? parseInstant(occurredText, 'UTC') : null;
  if (!occurredText) errors.push('occurred_at: missing');
  else if (occurredAt === null) errors.push(`occurred_at: "${occurredText}" is not an ISO 8601 date-time`);
  else if (occurredAt > now)
    errors.push(`occurred_at: ${occurredText} is in the future (now is ${new Date(now).toISOString()})`);
  if (errors.length > 0) return { errors };
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (!KNOWN.has(k) && v !== '') properties[k] = v;
  const id = get('id');
  return {
    event: {
      email,
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
