import { DateTime, IANAZone } from 'luxon';

const validity = new Map<string, boolean>();

/** True for a real IANA zone name (checked once per name). Rejected at the edge, never at send time. */
export function isValidZone(zone: string): boolean {
  let ok = validity.get(zone);
  if (ok === undefined) {
    ok = zone.length > 0 && IANAZone.isValidZone(zone);
    validity.set(zone, ok);
  }
  return ok;
}

/** ISO 8601 with the zone's offset and no milliseconds, e.g. 2026-11-24T09:00:00-05:00. */
export function isoWithOffset(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toISO({ suppressMilliseconds: true }) ?? '';
}

/** Parses an ISO 8601 instant or date; a date or a time without offset is read in `zone`. */
export function parseInstant(text: string, zone: string): number | null {
  const dt = DateTime.fromISO(text.trim(), { zone, setZone: false });
  return dt.isValid ? dt.toMillis() : null;
}
