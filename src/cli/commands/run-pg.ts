import { type PgApp, tickDeps } from '../../app.js';
import type { RunReport } from '../../run/run.js';
import { runTick } from '../../run/tick.js';
import type { GlobalOptions } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { progress } from '../progress.js';
import { parseAt } from '../time-options.js';

/**
 * `nurture run` on PostgreSQL: one tick as one worker. It joins the tick when another worker (or
 * run) elected it first, takes batches until none is left, and reports its own share.
 */
export async function runOnPostgres(
  io: CliIo,
  app: PgApp,
  globals: GlobalOptions,
  options: { at?: string; dryRun?: boolean; full?: boolean },
): Promise<RunReport> {
  if (options.dryRun)
    throw new UserError('--dry-run does not run on PostgreSQL yet: try it on a SQLite copy of the workspace (nurture db copy goes the other way)');
  const at = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
  const bar = progress(io, 'run', await app.store.leadCount(), globals.json ?? false);
  let done = 0;
  try {
    return await runTick(
      { ...tickDeps(app, { workerId: null, ...(io.signal ? { signal: io.signal } : {}) }), onProgress: (n) => bar.update((done += n)) },
      { at, listPlanned: globals.json ?? false, full: options.full ?? false },
    );
  } finally {
    bar.stop();
  }
}
