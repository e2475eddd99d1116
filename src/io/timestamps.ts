import { DateTime } from 'luxon';

/**
 * Event times as real tools write them:
 * - ISO 8601 with or without the `T` and the offset: `2026-11-20T10:02:00Z`,
 *   `2026-11-20 10:02:00`, `2026-11-20 10:02:00+01:00`; without an offset it is read in `zone`
 *   (the workspace zone), so `2026-11-20 10:02` in a New York workspace is 15:02 UTC;
 * - epoch seconds (10 digits) and milliseconds (13 digits): `1763632920`, `1763632920000`;
 * - with `format` (a luxon format such as `MM/dd/yyyy HH:mm`), that form only, read in `zone`:
 *   `03/04/2026` is March or April only to whoever knows the export, so it is never guessed.
 */
export function parseEventTime(text: string, zone: string, format?: string): number | null {
  const value = text.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (/^\d{12,14}$/.test(value)) return Number(value);
  if (format) {
    const custom = DateTime.fromFormat(value, format, { zone, setZone: false });
    if (custom.isValid) return custom.toMillis();
  }
  const iso = DateTime.fromISO(value, { zone, setZone: false });
  if (iso.isValid) return iso.toMillis();
  const sql = DateTime.fromSQL(value, { zone, setZone: false });
  return sql.isValid ? sql.toMillis() : null;
}

/** What the error for an unreadable time says is allowed. */
export function eventTimeForms(format?: string): string {
  return `expected ISO 8601 (2026-11-20T10:02:00Z or 2026-11-20 10:02:00), epoch seconds or milliseconds${
    format ? `, or ${format}` : '; for dates such as 11/20/2026 10:02 pass --date-format "MM/dd/yyyy HH:mm"'
  }`;
}
