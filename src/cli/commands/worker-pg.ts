import { hostname } from 'node:os';
import { type PgApp, tickDeps } from '../../app.js';
import { nextTick } from '../../domain/placement.js';
import { haltMessage, type RunReport } from '../../run/run.js';
import { joinTick, runTick } from '../../run/tick.js';
import { type GoneWorker, WorkerPresence } from '../../store/pg/presence.js';
import { type Clock, TestClock } from '../../time/clock.js';
import type { CliIo } from '../io.js';
import { printRun } from './run.js';
import { Waker } from './waker.js';

/** How often a worker says it is alive (`workers.seen_at`), and polls when no notification comes. */
const HEARTBEAT_MS = 10_000;
/** While a simulated worker waits for the others to finish its tick. */
const CLOSE_POLL_MS = 100;

export interface PgWorkerOptions {
  everyMs: number;
  everyText: string;
  once?: boolean;
  /** Leads per batch (default: the tick's, 1000). */
  batchSize?: number;
  /** A simulated schedule (tests, replays): `ticks` ticks from `start`, one every `everyMs`, run back to back. */
  simulated?: { start: number; ticks: number };
}

/**
 * `nurture worker` on PostgreSQL, one of several on one database: it announces itself (a
 * `workers` row and a session advisory lock), then at each tick joins the tick's run — elected
 * by whichever worker arrives first — and takes batches until none is left. Between ticks it
 * helps finish runs left open (a cron'd `nurture run`, a dead worker's batch), woken by NOTIFY
 * when another lays a tick out, else by polling. A worker found dead has its claimed sends
 * reported as uncertain, never resent.
 */
export async function pgWorker(io: CliIo, app: PgApp, options: PgWorkerOptions): Promise<number> {
  const presence = await WorkerPresence.announce(app.database.location.url, { host: hostname(), pid: process.pid }, app.clock.now());
  const waker = new Waker(io.signal);
  presence.onTick(() => waker.wake());
  const heartbeat = setInterval(() => {
    presence.heartbeat(app.clock.now()).catch(() => {});
    waker.wake();
  }, HEARTBEAT_MS);
  heartbeat.unref();
  io.stdout(
    `Nurture worker #${presence.id} on PostgreSQL: a run every ${options.everyText}${options.simulated ? ` (simulated: ${options.simulated.ticks} ticks from ${new Date(options.simulated.start).toISOString()})` : ''}; SIGTERM stops after the message in flight.`,
  );
  io.signal?.addEventListener('abort', () => io.stderr('nurture worker: stopping; finishing the message in flight first'), { once: true });
  let failures = 0;
  const show = (report: RunReport) => {
    printRun(io, report);
    failures += report.failed.length;
    if (report.halted) {
      io.stderr(`nurture worker: stopped sending this run: ${haltMessage(report)}`);
      failures++;
    }
  };
  const deps = (clock: Clock) => tickDeps(app, { workerId: presence.id, clock, ...(io.signal ? { signal: io.signal } : {}) });
  const batch = options.batchSize ? { batchSize: options.batchSize } : {};
  const sweep = async (now: number) => reportGone(io, await presence.gone(now));
  try {
    if (options.simulated) {
      const { start, ticks } = options.simulated;
      for (let k = 0; k < ticks && !io.signal?.aborted; k++) {
        const at = start + k * options.everyMs;
        const clock = new TestClock(at);
        await sweep(at);
        const report = await runTick(deps(clock), { at, ...batch });
        show(report);
        // Ticks follow one another as on a wall clock: the next starts once this one is closed.
        await untilClosed(app, deps(clock), report.run!, at, waker, io.signal);
      }
    } else if (options.once) {
      await sweep(app.clock.now());
      show(await runTick(deps(app.clock), { at: app.clock.now(), ...batch }));
    } else {
      while (!io.signal?.aborted) {
        await sweep(app.clock.now());
        for (const open of await app.store.openRuns()) {
          if (io.signal?.aborted) break;
          const share = await joinTick(deps(app.clock), { runId: open.runId, at: open.tickAt });
          if (share.counts.leads! > 0) show(share);
        }
        const now = app.clock.now();
        const next = nextTick(now + 1, options.everyMs);
        await waker.wait(next - now);
        if (!io.signal?.aborted && app.clock.now() >= next) show(await runTick(deps(app.clock), { at: next, ...batch }));
      }
    }
  } finally {
    clearInterval(heartbeat);
    await presence.stop(app.clock.now());
  }
  io.stdout('Nurture worker stopped.');
  return failures > 0 && options.once ? 1 : 0;
}

/** Helps with the run's remaining batches (one a dead worker let go) until the run is closed. */
async function untilClosed(app: PgApp, deps: ReturnType<typeof tickDeps>, runId: number, at: number, waker: Waker, signal?: AbortSignal): Promise<void> {
  while (!signal?.aborted && (await app.store.runStatus(runId)) === 'running') {
    await joinTick(deps, { runId, at });
    if ((await app.store.runStatus(runId)) !== 'running') return;
    await waker.wait(CLOSE_POLL_MS);
  }
}

function reportGone(io: CliIo, gone: readonly GoneWorker[]): void {
  for (const w of gone) {
    const what =
      w.uncertain.length === 0
        ? 'it had no send in flight'
        : `${w.uncertain.length} send(s) it had claimed are uncertain and will not be resent: ${w.uncertain
            .map((u) => `#${u.id} ${u.email} ${u.sequenceId}/${u.stepId}`)
            .join(', ')} (check the Message-IDs at the relay, then nurture outbox resolve)`;
    io.stderr(`nurture worker: worker #${w.id} (pid ${w.pid} on ${w.host}) is gone; ${what}`);
  }
}
