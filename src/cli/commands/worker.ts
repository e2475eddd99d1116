import { RUN_LOCKED_PREFIX } from '../../db/runs.js';
import { parseDuration } from '../../time/duration.js';
import { nextTick } from '../../domain/placement.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type App, isPgApp } from '../../app.js';
import { parseAt, parsePositiveInt } from '../time-options.js';
import { pgWorker } from './worker-pg.js';
import { type CliIo, UserError } from '../io.js';
import { haltMessage } from '../../run/run.js';
import { printRun, runWithApp } from './run.js';

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * `nurture worker`: runs on the schedule (every hour on the hour by default) for those who would
 * rather not use cron. Runs never overlap (one at a time here, and the database lock against
 * any other process). On SIGTERM the message in flight is finished and recorded, then it exits.
 */
export interface WorkerOptions {
  every?: string;
  once?: boolean;
  /** With `ticks`: a simulated schedule from this moment (replays, tests), ticks run back to back. */
  at?: string;
  ticks?: string;
  batchSize?: string;
}

export async function workerCommand(io: CliIo, globals: GlobalOptions, options: WorkerOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const everyText = options.every ?? app.workspace.config.schedule.every;
    const every = parseDuration(everyText);
    if (!every || every.approxMs < 60_000) throw new UserError(`--every: "${options.every}" is not a duration of a minute or more (e.g. PT1H)`);
    if ((options.at === undefined) !== (options.ticks === undefined)) throw new UserError('--at and --ticks go together: --at START --ticks N runs N ticks from START, back to back');
    const simulated =
      options.at !== undefined && options.ticks !== undefined
        ? { start: parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now()), ticks: parsePositiveInt(options.ticks, '--ticks') }
        : undefined;
    const batchSize = options.batchSize === undefined ? undefined : parsePositiveInt(options.batchSize, '--batch-size');
    if (isPgApp(app))
      return pgWorker(io, app, {
        everyMs: every.approxMs,
        everyText,
        ...(options.once ? { once: true } : {}),
        ...(simulated ? { simulated } : {}),
        ...(batchSize ? { batchSize } : {}),
      });
    if (batchSize) throw new UserError('--batch-size: only for PostgreSQL, where several workers share a tick by batches');
    if (simulated) return simulatedSqliteWorker(io, app, globals, simulated, every.approxMs);
    io.stdout(`Nurture worker: a run every ${options.every ?? app.workspace.config.schedule.every}; SIGTERM stops after the message in flight.`);
    // Said at once, so whoever sent SIGTERM knows it was heard while the message in flight finishes.
    io.signal?.addEventListener('abort', () => io.stderr('nurture worker: stopping; finishing the message in flight first'), {
      once: true,
    });
    let failures = 0;
    while (!io.signal?.aborted) {
      try {
        const report = await runWithApp(io, app, globals, {}, io.signal);
        printRun(io, report);
        failures += report.failed.length;
        // The relay failed us: said now, and the next tick tries again (the touches wait, planned).
        if (report.halted) {
          io.stderr(`nurture worker: stopped sending this run: ${haltMessage(report)}`);
          failures++;
        }
      } catch (error) {
        // Another process (a cron'd `nurture run`, a second worker) holds the database: that skips
        // this tick, not the worker; the next tick tries again.
        if (options.once || !(error instanceof UserError && error.message.startsWith(RUN_LOCKED_PREFIX))) throw error;
        io.stderr(`nurture worker: skipped this run: ${error.message}`);
      }
      if (options.once || io.signal?.aborted) break;
      const now = app.clock.now();
      await pause(nextTick(now + 1, every.approxMs) - now, io.signal);
    }
    io.stdout('Nurture worker stopped.');
    return failures > 0 && options.once ? 1 : 0;
  });
}

/** `worker --at START --ticks N` on SQLite: the runs of a simulated schedule, one after another. */
async function simulatedSqliteWorker(io: CliIo, app: App, globals: GlobalOptions, sim: { start: number; ticks: number }, everyMs: number): Promise<number> {
  for (let k = 0; k < sim.ticks && !io.signal?.aborted; k++) {
    const report = await runWithApp(io, app, globals, { at: new Date(sim.start + k * everyMs).toISOString() }, io.signal);
    printRun(io, report);
  }
  io.stdout('Nurture worker stopped.');
  return 0;
}
