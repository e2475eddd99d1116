import type { App, PgApp } from '../../app.js';
import { type LeadFilter, LIST_FIELDS, type ListedLead } from '../../db/lead-list.js';
import { STAGES } from '../../domain/types.js';
import { csvLine } from '../../io/csv-write.js';
import { formatWithOffset } from '../../time/offsets.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { parsePositiveInt } from '../time-options.js';

export interface LeadsListOptions {
  stage?: string;
  sequence?: string;
  where?: string[];
  format?: string;
  limit?: string;
}

const FORMATS = ['table', 'json', 'csv'] as const;
const CSV_COLUMNS = [
  'email', 'first_name', 'last_name', 'company', 'job_title', 'industry', 'country', 'timezone', 'zone',
  'consent', 'stage', 'score', 'sequence', 'suppressed', 'paused_until',
] as const;
const TABLE_HEADERS = ['email', 'name', 'company', 'country', 'zone', 'consent', 'stage', 'score', 'sequence', 'status'];

/**
 * `nurture leads list`: the leads that match, streamed page by page (a million leads never sit in
 * memory): a table, CSV, or JSON written as it is read.
 */
export async function leadsListCommand(io: CliIo, globals: GlobalOptions, options: LeadsListOptions): Promise<number> {
  const format = options.format ?? (globals.json ? 'json' : 'table');
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UserError(`--format: "${format}" is not one of ${FORMATS.join(', ')}`);
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : parsePositiveInt(options.limit, '--limit');
  return withApp(io, globals, async (app) => {
    const pages = leadSourceOf(app).listPages(filterFrom(app, options));
    const now = app.clock.now();
    const write = writerFor(format, io, app, now);
    let count = 0;
    for await (const page of pages) {
      const rows = page.slice(0, limit - count);
      write.page(rows);
      count += rows.length;
      if (count >= limit) break;
    }
    write.end(count);
    return 0;
  });
}

function filterFrom(app: App | PgApp, options: LeadsListOptions): LeadFilter {
  if (options.stage !== undefined && !(STAGES as readonly string[]).includes(options.stage))
    throw new UserError(`--stage: "${options.stage}" is not one of ${STAGES.join(', ')}`);
  if (options.sequence !== undefined && !app.workspace.sequences.some((s) => s.id === options.sequence))
    throw new UserError(
      `--sequence: no sequence "${options.sequence}" (known: ${app.workspace.sequences.map((s) => s.id).join(', ')})`,
    );
  const where = (options.where ?? []).map((text) => {
    const eq = text.indexOf('=');
    const field = eq > 0 ? text.slice(0, eq).trim() : '';
    if (!field)
      throw new UserError(`--where: "${text}" is not field=value (e.g. --where country=DE, --where attributes.plan=pro)`);
    if (!(field in LIST_FIELDS) && !/^attributes\.[^.]+$/.test(field))
      throw new UserError(
        `--where: unknown field "${field}" (known: ${Object.keys(LIST_FIELDS).filter((f) => !f.includes('_')).join(', ')}, attributes.<column>)`,
      );
    return { field, value: text.slice(eq + 1).trim() };
  });
  return { stage: options.stage, sequence: options.sequence, where };
}

interface Writer {
  page(rows: ListedLead[]): void;
  end(count: number): void;
}

function writerFor(format: string, io: CliIo, app: App | PgApp, now: number): Writer {
  const zoneOf = (l: ListedLead) => l.timezone || app.workspace.policy.defaultZone;
  // A pause whose end has passed no longer holds anything: it is not shown.
  const pauseOf = (l: ListedLead): { until: string | null } | null =>
    !l.paused ? null : l.pausedUntil === null ? { until: null } : l.pausedUntil > now ? { until: formatWithOffset(l.pausedUntil, zoneOf(l)) } : null;
  if (format === 'csv') {
    io.stdout(csvLine(CSV_COLUMNS));
    return {
      page: (rows) => {
        if (rows.length === 0) return;
        io.stdout(
          rows
            .map((l) =>
              csvLine([
                l.email, l.firstName, l.lastName, l.company, l.jobTitle, l.industry, l.country, l.timezone, zoneOf(l),
                l.consent, l.stage ?? '', l.score ?? '', l.sequence ?? '', l.suppressed ?? '', pauseOf(l)?.until ?? (pauseOf(l) ? 'until resumed' : ''),
              ]),
            )
            .join('\n'),
        );
      },
      end: () => {},
    };
  }
  if (format === 'json') {
    io.stdout('{ "leads": [');
    let first = true;
    return {
      page: (rows) => {
        if (rows.length === 0) return;
        io.stdout(
          rows
            .map((l) => {
              const item = JSON.stringify({
                lead: l.email, firstName: l.firstName, lastName: l.lastName, company: l.company, jobTitle: l.jobTitle,
                industry: l.industry, country: l.country, zone: zoneOf(l), consent: l.consent, stage: l.stage, score: l.score,
                sequence: l.sequence, suppressed: l.suppressed, paused: pauseOf(l),
                attributes: l.attributes,
              });
              const line = `${first ? '' : ','}${item}`;
              first = false;
              return line;
            })
            .join('\n'),
        );
      },
      end: (count) => io.stdout(`], "count": ${count} }`),
    };
  }
  // A table streamed in pages: the columns take the widths of the first page (later cells that
  // are longer just push the line out), so nothing waits for the last lead to be read.
  let widths: number[] | undefined;
  const cells = (l: ListedLead) => {
    const pause = pauseOf(l);
    const status = l.suppressed ? `suppressed (${l.suppressed})` : pause ? `paused ${pauseText(pause)}` : '';
    return [
      l.email, `${l.firstName} ${l.lastName}`.trim(), l.company, l.country, zoneOf(l), l.consent, l.stage ?? '',
      l.score === null ? '' : String(l.score), l.sequence ?? '', status,
    ];
  };
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths![i]!))).join('  ').trimEnd();
  return {
    page: (rows) => {
      const table = rows.map(cells);
      if (!widths) {
        widths = TABLE_HEADERS.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
        io.stdout([line(TABLE_HEADERS), line(widths.map((w) => '-'.repeat(w)))].join('\n'));
      }
      if (table.length > 0) io.stdout(table.map(line).join('\n'));
    },
    end: (count) => {
      if (!widths) io.stdout('No leads match.');
      else io.stdout(`${count} lead(s)`);
    },
  };
}

const pauseText = (pause: { until: string | null } | null) => (!pause ? '' : pause.until === null ? 'until resumed' : `until ${pause.until}`);
