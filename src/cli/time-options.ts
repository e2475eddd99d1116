import { DateTime } from 'luxon';
import { UserError } from './io.js';

/** `--at 2026-11-24T10:00:00-05:00`, `--at 2026-11-24T15:00Z` or a bare date (midnight in `zone`). */
export function parseAt(text: string | undefined, zone: string, now: number, flag = '--at'): number {
  if (text === undefined) return now;
  const dt = DateTime.fromISO(text, { zone });
  if (!dt.isValid)
    throw new UserError(
      `${flag}: "${text}" is not an ISO 8601 date or date-time (e.g. 2026-11-24T09:00:00-05:00)`,
    );
  return dt.toMillis();
}

export function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UserError(`${flag}: "${text}" is not a positive whole number`);
  return n;
}
