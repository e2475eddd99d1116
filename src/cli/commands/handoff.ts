import { toCsv } from '../../io/csv-write.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt } from '../time-options.js';

export interface HandoffOptions {
  since?: string;
  format?: string;
}

/**
 * Leads handed to sales: each became sales-ready (score at action, or a booked meeting) during a
 * run, a `score` or an import, and nurture stopped for it. Oldest first, with the reason.
 */
export async function handoffCommand(io: CliIo, globals: GlobalOptions, options: HandoffOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const since = options.since === undefined ? 0 : parseAt(options.since, app.workspace.policy.defaultZone, 0, '--since');
    const format = options.format ?? (globals.json ? 'json' : 'table');
    if (!['table', 'json', 'csv'].includes(format))
      throw new UserError(`--format: "${format}" is not one of table, json, csv`);
    const rows = (await leadSourceOf(app).handoffs(since)).map((h) => ({
      lead: h.email,
      firstName: h.firstName,
      lastName: h.lastName,
      company: h.company,
      jobTitle: h.jobTitle,
      at: new Date(h.at).toISOString(),
      score: h.score,
      reason: h.reason,
      stage: h.stage ?? '',
    }));
    if (format === 'json') io.stdout(json({ since: options.since ?? null, leads: rows }));
    else if (format === 'csv')
      io.stdout(toCsv(COLUMNS, rows));
    else if (rows.length === 0) io.stdout('No leads handed to sales yet.');
    else
      io.stdout(
        table(
          ['lead', 'company', 'title', 'handed over', 'score', 'reason'],
          rows.map((r) => [r.lead, r.company, r.jobTitle, r.at, String(r.score), r.reason]),
        ),
      );
    return 0;
  });
}

const COLUMNS = ['lead', 'firstName', 'lastName', 'company', 'jobTitle', 'at', 'score', 'reason', 'stage'] as const;
