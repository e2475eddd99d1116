import { DateTime } from 'luxon';
import type { App, PgApp } from '../../app.js';
import { aggregateToIcs, touchesToIcs } from '../../io/ics.js';
import { AGGREGATE_BY, type AggregateBy, aggregate } from '../../run/aggregate.js';
import type { Forecast } from '../../run/forecast.js';
import { forecastReader } from '../../run/forecast-reader.js';
import { leadRefs } from '../../run/lead-ref.js';
import { DAY_MS } from '../../time/clock.js';
import { type GlobalOptions, withApp } from '../context.js';
import { aggregateCsv, aggregateTable } from './calendar-aggregate.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt, parsePositiveInt } from '../time-options.js';
import { csvLine } from '../../io/csv-write.js';

export interface CalendarOptions {
  from?: string;
  days?: string;
  to?: string;
  lead?: string;
  sequence?: string;
  format?: string;
  by?: string;
}

export const FORMATS = ['table', 'json', 'csv', 'ics'] as const;

export async function calendarCommand(
  io: CliIo,
  globals: GlobalOptions,
  options: CalendarOptions,
): Promise<number> {
  const format = options.format ?? (globals.json ? 'json' : 'table');
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UserError(`--format: "${format}" is not one of ${FORMATS.join(', ')}`);
  if (options.days && options.to) throw new UserError('--days and --to: give one or the other');
  const by = options.by as AggregateBy | undefined;
  if (by !== undefined && !AGGREGATE_BY.includes(by))
    throw new UserError(`--by: "${options.by}" is not one of ${AGGREGATE_BY.join(', ')}`);
  if (by !== undefined && by !== 'day' && format === 'ics')
    throw new UserError(`--format ics: only --by day makes a calendar (one event per day), not --by ${by}`);
  return withApp(io, globals, async (app) => {
    const result = await calendarFor(app, options);
    if (by !== undefined) io.stdout(aggregateOutput(app, result, by, format));
    else if (format === 'json') io.stdout(json(result));
    else if (format === 'csv') io.stdout(toCsv(result));
    else if (format === 'ics') io.stdout(touchesToIcs(result, { now: app.clock.now(), refOf: leadRefs(app.secret) }));
    else io.stdout(toTable(result));
    return 0;
  });
}

function aggregateOutput(app: App | PgApp, result: Forecast, by: AggregateBy, format: string): string {
  const agg = aggregate(result, by);
  if (format === 'json') return json(agg);
  if (format === 'ics') return aggregateToIcs(agg, { now: app.clock.now() });
  if (format === 'csv') return aggregateCsv(agg);
  return aggregateTable(agg);
}

/** The forecast window from --from and --days or --to (default: now, 14 days). */
export function windowFor(app: App | PgApp, options: { from?: string; days?: string; to?: string }): { from: number; to: number } {
  if (options.days && options.to) throw new UserError('--days and --to: give one or the other');
  const zone = app.workspace.policy.defaultZone;
  const from = parseAt(options.from, zone, app.clock.now(), '--from');
  const to = options.to
    ? parseAt(options.to, zone, app.clock.now(), '--to')
    : from + parsePositiveInt(options.days ?? '14', '--days') * DAY_MS;
  if (to <= from) throw new UserError('--to: must be later than --from');
  return { from, to };
}

/**
 * The forecast the options ask for, from either database: a big SQLite base is planned in worker
 * threads (forecast-threads.ts), PostgreSQL's is read in batches on one snapshot (forecast-pg.ts).
 */
export async function calendarFor(app: App | PgApp, options: CalendarOptions): Promise<Forecast> {
  const { from, to } = windowFor(app, options);
  if (options.sequence && !app.workspace.sequences.some((s) => s.id === options.sequence)) {
    throw new UserError(
      `--sequence: no sequence "${options.sequence}" (have: ${app.workspace.sequences.map((s) => s.id).join(', ')})`,
    );
  }
  const reader = forecastReader(app);
  if (options.lead && !(await reader.hasLead(options.lead))) throw new UserError(`--lead: no lead with address ${options.lead}`);
  return reader.forecast(app.workspace, {
    from,
    to,
    leadEmail: options.lead,
    sequenceId: options.sequence,
  });
}

export function toCsv(result: Forecast): string {
  // A variant column when some step has variants (README "Experiments").
  const variants = result.items.some((i) => i.variant !== undefined);
  const header = ['at', 'lead', 'sequence', 'step', 'force', 'zone', 'reason', ...(variants ? ['variant'] : [])];
  const rows = result.items.map((i) => [i.at, i.lead, i.sequence, i.step, i.force, i.zone, i.reason ?? '', ...(variants ? [i.variant ?? ''] : [])]);
  return [header, ...rows].map((r) => csvLine(r)).join('\n');
}

/** Grouped by the lead's local day, with a per-day total. */
export function toTable(result: Forecast): string {
  if (result.items.length === 0) return `No touches planned between ${result.from} and ${result.to}.`;
  const days = new Map<string, typeof result.items>();
  for (const item of result.items) {
    const day = DateTime.fromISO(item.at, { setZone: true }).toFormat('yyyy-LL-dd ccc');
    let list = days.get(day);
    if (!list) days.set(day, (list = []));
    list.push(item);
  }
  const out: string[] = [];
  for (const [day, items] of [...days.entries()].sort()) {
    out.push(`${day} (${items.length} touch${items.length === 1 ? '' : 'es'})`);
    out.push(
      table(
        ['local time', 'lead', 'sequence', 'step', 'force'],
        items.map((i) => [`${i.at.slice(11, 16)} ${i.zone}`, i.lead, i.sequence, i.variant ? `${i.step} (${i.variant})` : i.step, i.force]),
      ),
    );
    out.push('');
  }
  out.push(`${result.items.length} touches from ${result.from} to ${result.to}`);
  return out.join('\n');
}
