import type { Connection } from '../db/connection.js';
import { LeadStore } from '../db/leads.js';
import type { Workspace } from '../workspace/load.js';
import { type Forecast, type ForecastOptions, forecast } from './forecast.js';
import { forecastOfShares, forecastShare, type PackedShare, planChunks, type ShareRequest } from './forecast-share.js';
import type { ThreadRequest } from './forecast-thread.js';
import { withAllocations } from './experiment-state.js';
import { spareCores, startThread } from './threads.js';

/**
 * Leads per chunk of a threaded forecast: small enough that a thread which starts late (a worker
 * loads its modules, workspace and connection first, about a second) still gets a fair share,
 * large enough that taking one costs nothing.
 */
export const CHUNK_LEADS = 5_000;

export interface Threads {
  /** Worker threads to start. */
  workers: number;
  /** Whether this thread plans chunks too (it blocks meanwhile: not for a server). */
  here: boolean;
}

/**
 * The whole base planned in chunks by `threads`, in id order. An in-memory database cannot be
 * opened by another thread, so it is planned here whatever `threads` says.
 */
export async function forecastShares(
  conn: Connection,
  given: Workspace,
  request: Omit<ShareRequest, 'run'>,
  threads: Threads,
): Promise<PackedShare[]> {
  // The experiments' allocations at the forecast's start, the same in every thread.
  const workspace = withAllocations(conn.sqlite, given, request.from);
  const all = { afterId: 0, lastId: Number.MAX_SAFE_INTEGER };
  if (conn.path === ':memory:' || threads.workers === 0) return [forecastShare(conn, workspace, { ...request, run: all })];
  const leads = new LeadStore(conn.sqlite);
  const runs = leads.idRuns(Math.max(1, Math.ceil(leads.count() / CHUNK_LEADS)));
  const owners = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, runs.length)));
  const started = Array.from({ length: threads.workers }, (_, k) =>
    startThread<[number, PackedShare][]>('forecast-thread', {
      config: workspace.config,
      sequences: workspace.sequenceDefinitions,
      ...(workspace.allocations ? { allocations: workspace.allocations } : {}),
      dbPath: conn.path,
      request,
      runs,
      owners,
      me: k + 2,
    } satisfies ThreadRequest),
  );
  const done = threads.here ? planChunks(conn, workspace, request, runs, owners, 1) : [];
  // Every chunk is taken by now when this thread planned too: a worker that took none (still
  // starting on a busy machine) is stopped rather than waited for.
  const answers = await Promise.all(
    started.map((thread, k) => (threads.here && !owners.includes(k + 2) ? thread.stop().then(() => []) : thread.result)),
  );
  for (const answer of answers) done.push(...answer);
  return done.sort((a, b) => a[0] - b[0]).map(([, share]) => share);
}

/**
 * What a forecast of the whole base is worth: a small base is planned here alone, a big one here
 * and in one worker per other core, unless the machine is busy. A worker costs about a second of
 * CPU to start, and on busy cores it only competes with this thread (100,000 leads on two loaded
 * cores: 8.1 s with a worker, 4.8 s without), so the idle CPU decides (see spareCores).
 */
export async function threadsFor(conn: Connection): Promise<Threads> {
  const leads = new LeadStore(conn.sqlite).count();
  return { workers: leads < 2 * CHUNK_LEADS ? 0 : await spareCores(), here: true };
}

/**
 * `forecast`, with the base split over threads: the same items in the same order (chunks are
 * contiguous runs of ids put back in id order, and the sort is stable, so ties fall as they
 * would in one pass).
 */
export async function forecastInThreads(
  conn: Connection,
  workspace: Workspace,
  options: ForecastOptions,
  given?: Threads,
): Promise<Forecast> {
  if (options.leadEmail !== undefined) return forecast(conn, workspace, options);
  const threads = given ?? (await threadsFor(conn));
  if (threads.workers === 0) return forecast(conn, workspace, options);
  const shares = await forecastShares(conn, workspace, { from: options.from, to: options.to, sequenceId: options.sequenceId }, threads);
  return forecastOfShares(shares, options);
}
