import { IANAZone } from 'luxon';

const QUARTER_HOUR_MS = 15 * 60_000;
const cache = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset in minutes at an instant, cached per zone and quarter hour. Every
 * modern zone changes offset on a quarter-hour boundary in UTC (America/St_Johns at 05:30Z,
 * Pacific/Chatham at 14:00Z), so one Intl look-up serves the whole quarter hour.
 */
export function offsetMinutes(zone: string, epochMs: number): number {
  const bucket = Math.floor(epochMs / QUARTER_HOUR_MS);
  let byBucket = cache.get(zone);
  if (!byBucket) cache.set(zone, (byBucket = new Map()));
  let offset = byBucket.get(bucket);
  if (offset === undefined) {
    offset = IANAZone.create(zone).offset(bucket * QUARTER_HOUR_MS);
    byBucket.set(bucket, offset);
  }
  return offset;
}

const formatted = new Map<string, Map<number, string>>();
const FORMATTED_LIMIT = 200_000;

/**
 * ISO 8601 with the zone's offset and no milliseconds (unless present), e.g. 2026-11-24T09:00:00-05:00.
 * Remembered per zone and instant (bounded): touches bunch at the same window openings.
 */
export function formatWithOffset(epochMs: number, zone: string): string {
  let byInstant = formatted.get(zone);
  if (!byInstant) formatted.set(zone, (byInstant = new Map()));
  let text = byInstant.get(epochMs);
  if (text === undefined) {
    text = format(epochMs, zone);
    if (byInstant.size < FORMATTED_LIMIT) byInstant.set(epochMs, text);
  }
  return text;
}

function format(epochMs: number, zone: string): string {
  const offset = offsetMinutes(zone, epochMs);
  const local = new Date(epochMs + offset * 60_000).toISOString();
  const body = epochMs % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
