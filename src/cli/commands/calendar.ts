import { DateTime } from 'luxon';
import type { App } from '../../app.js';
import { type Forecast, forecast } from '../../run/forecast.js';
import { DAY_MS } from '../../time/clock.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt, parsePositiveInt } from '../time-options.js';

export interface CalendarOptions {
  from?: string;
  days?: string;
  to?: string;
  lead?: string;
  sequence?: string;
  format?: string;
}

const FORMATS = ['table', 'json', 'csv'] as const;

export async function calendarCommand(
  io: CliIo,
  globals: GlobalOptions,
  options: CalendarOptions,
): Promise<number> {
  const format = options.format ?? (globals.json ? 'json' : 'table');
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UserError(`--format: "${format}" is not one of ${FORMATS.join(', ')}`);
  if (options.days && options.to) throw new UserError('--days and --to: give one or the other');
  return withApp(io, globals, (app) => {
    const result = calendarFor(app, options);
    if (format === 'json') io.stdout(json(result));
    else if (format === 'csv') io.stdout(toCsv(result));
    else io.stdout(toTable(result));
    return 0;
  });
}

export function calendarFor(app: App, options: CalendarOptions): Forecast {
  const zone = app.workspace.policy.defaultZone;
  const from = parseAt(options.from, zone, app.clock.now(), '--from');
  const to = options.to
    ? parseAt(options.to, zone, app.clock.now(), '--to')
    : from + parsePositiveInt(options.days ?? '14', '--days') * DAY_MS;
  if (to <= from) throw new UserError('--to: must be later than --from');
  if (options.sequence && !app.workspace.sequences.some((s) => s.id === options.sequence)) {
    throw new UserError(
      `--sequence: no sequence "${options.sequence}" (have: ${app.workspace.sequences.map((s) => s.id).join(', ')})`,
    );
  }
  if (options.lead && !app.stores.leads.findByEmail(options.lead))
    throw new UserError(`--lead: no lead with address ${options.lead}`);
  return forecast(app.conn, app.workspace, {
    from,
    to,
    leadEmail: options.lead,
    sequenceId: options.sequence,
  });
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function toCsv(result: Forecast): string {
  const header = ['at', 'lead', 'sequence', 'step', 'force', 'zone', 'reason'];
  const rows = result.items.map((i) => [i.at, i.lead, i.sequence, i.step, i.force, i.zone, i.reason ?? '']);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
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
        items.map((i) => [`${i.at.slice(11, 16)} ${i.zone}`, i.lead, i.sequence, i.step, i.force]),
      ),
    );
    out.push('');
  }
  out.push(`${result.items.length} touches from ${result.from} to ${result.to}`);
  return out.join('\n');
}
