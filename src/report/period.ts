import { DateTime } from 'luxon';
import { DAY_MS } from '../time/clock.js';

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

export type PeriodResult = { ok: true; from: number; to: number } | { ok: false; message: string };

/**
 * The period of a report, read the same way by `nurture report` and the report page:
 * `to` defaults to now and a bare date includes that whole day (midnight in `zone`);
 * `from` defaults to 30 days before `to`.
 */
export function reportPeriod(options: { from?: string | undefined; to?: string | undefined }, zone: string, now: number): PeriodResult {
  const parse = (text: string, flag: string): number | string => {
    const dt = DateTime.fromISO(text, { zone });
    return dt.isValid ? dt.toMillis() : `${flag}: "${text}" is not an ISO 8601 date or date-time (e.g. 2026-11-24T09:00:00-05:00)`;
  };
  let to = now;
  if (options.to !== undefined) {
    const t = parse(options.to, '--to');
    if (typeof t === 'string') return { ok: false, message: t };
    to = t + (BARE_DATE.test(options.to) ? DAY_MS : 0);
  }
  let from = to - 30 * DAY_MS;
  if (options.from !== undefined) {
    const f = parse(options.from, '--from');
    if (typeof f === 'string') return { ok: false, message: f };
    from = f;
  }
  if (from >= to) return { ok: false, message: `--from: ${options.from ?? 'the default start'} is not before --to (${new Date(to).toISOString()})` };
  return { ok: true, from, to };
}
