import { type App, isPgApp, runDeps } from '../../app.js';
import { RunLockedError } from '../../db/runs.js';
import { haltMessage, type RunReport, runOnce } from '../../run/run.js';
import { IDLE_CAUSE_LABELS } from '../../domain/why-no-mail.js';
import type { IdleCause } from '../../domain/types.js';
import { type GlobalOptions, withApp } from '../context.js';
import { runOnPostgres } from './run-pg.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { progress } from '../progress.js';
import { parseAt } from '../time-options.js';

export interface RunCommandOptions {
  at?: string;
  dryRun?: boolean;
  /** Replan every lead (issue 16). */
  full?: boolean;
}

export async function runCommand(
  io: CliIo,
  globals: GlobalOptions,
  options: RunCommandOptions,
): Promise<number> {
  return withApp(io, globals, async (app) => {
    const report = isPgApp(app) ? await runOnPostgres(io, app, globals, options) : await runWithApp(io, app, globals, options);
    if (globals.json) io.stdout(json(report));
    else printRun(io, report);
    if (report.halted) io.stderr(`nurture run: stopped sending: ${haltMessage(report)}`);
    return report.failed.length > 0 || report.halted ? 1 : 0;
  });
}

export async function runWithApp(
  io: CliIo,
  app: App,
  globals: GlobalOptions,
  options: RunCommandOptions,
  signal?: AbortSignal,
): Promise<RunReport> {
  const at = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
  const bar = progress(io, 'run', app.stores.leads.count(), globals.json ?? false);
  try {
    return await runOnce(
      { ...runDeps(app), onProgress: (d, t) => bar.update(d, t), signal: signal ?? io.signal },
      { at, dryRun: options.dryRun ?? false, listPlanned: globals.json ?? false, full: options.full ?? false },
    );
  } catch (error) {
    if (error instanceof RunLockedError) throw new UserError(error.message);
    throw error;
  } finally {
    bar.stop();
  }
}

export function printRun(io: CliIo, report: RunReport): void {
  const c = report.counts;
  io.stdout(
    `${report.dryRun ? 'Dry run' : `Run #${report.run}`} at ${report.at}: ${c.leads} leads, ${c.enrolled} enrolled, ` +
      `${report.sent.length} sent, ${c.planned} planned, ${report.skipped.length} skipped, ` +
      `${report.failed.length} failed, ${c.exited} exited, ${c.completed} completed`,
  );
  if (report.replan.mode === 'incremental' && (c.asleep ?? 0) > 0)
    io.stdout(`${c.asleep} lead(s) asleep: not due and no new input since they were planned (run --full replans them)`);
  const idle = Object.entries(report.idle);
  if (report.dryRun && idle.length > 0)
    io.stdout(
      `No mail for ${c.idle} lead(s): ${idle.map(([cause, n]) => `${n} ${IDLE_CAUSE_LABELS[cause as IdleCause]}`).join(', ')}`,
    );
  if (report.sent.length > 0) {
    io.stdout(`\n${report.dryRun ? 'Would send' : 'Sent'}:`);
    io.stdout(
      table(
        ['lead', 'sequence', 'step', 'force', 'local time'],
        report.sent.map((s) => [s.lead, s.sequence, s.step, s.force, s.at]),
      ),
    );
  }
  for (const f of report.failed) io.stderr(`failed: ${f.lead} ${f.sequence}/${f.step}: ${f.reason}`);
  for (const s of report.skipped.slice(0, 20))
    io.stdout(`skipped: ${s.lead} ${s.sequence}/${s.step}: ${s.reason}`);
  if (report.skipped.length > 20)
    io.stdout(`… and ${report.skipped.length - 20} more skipped (use --json for all)`);
}
