import { type PgApp, tickDeps } from '../../app.js';
import type { RunReport } from '../../run/run.js';
import { runTick } from '../../run/tick.js';
import { dryRunTick } from '../../run/dry-run-tick.js';
import type { GlobalOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { progress } from '../progress.js';
import { parseAt } from '../time-options.js';

/**
 * `nurture run` on PostgreSQL: one tick as one worker. It joins the tick when another worker (or
 * run) elected it first, takes batches until none is left, and reports its own share. A dry run
 * plans every lead on one snapshot and writes nothing (run/dry-run-tick.ts).
 */
export async function runOnPostgres(
  io: CliIo,
  app: PgApp,
  globals: GlobalOptions,
  options: { at?: string; dryRun?: boolean; full?: boolean },
): Promise<RunReport> {
  const at = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
  const bar = progress(io, 'run', await app.store.leadCount(), globals.json ?? false);
  let done = 0;
  try {
    if (options.dryRun) {
      const deps = { ...tickDeps(app, { workerId: null, ...(io.signal ? { signal: io.signal } : {}) }), pool: app.store.pool, confirmations: app.store.confirmations };
      return await dryRunTick(deps, { at, listPlanned: globals.json ?? false, onProgress: (n) => bar.update((done += n)) });
    }
    return await runTick(
      { ...tickDeps(app, { workerId: null, ...(io.signal ? { signal: io.signal } : {}) }), onProgress: (n) => bar.update((done += n)) },
      { at, listPlanned: globals.json ?? false, full: options.full ?? false },
    );
  } finally {
    bar.stop();
  }
}
