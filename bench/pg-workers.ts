/**
 * PostgreSQL with several workers against SQLite, in the same run: the first planning run over
 * BENCH_PG_LEADS generated leads (SQLite's runOnce against 4 `nurture run` processes sharing one
 * tick on PostgreSQL), the dead tuples an unchanged rerun leaves in `sends`, and the delivery of
 * one PostgreSQL worker against SQLite's run (the same planned touches, the same SMTP sink).
 * PostgreSQL is a throwaway cluster (test/helpers/pg-cluster.ts: fsync off, 32 MB shared buffers).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openApp, runDeps, tickDeps } from '../src/app.js';
import { openRunApp, type PgApp } from '../src/app.js';
import { openPool } from '../src/db/pg/connection.js';
import { copySqliteToPostgres } from '../src/db/pg/copy.js';
import { migratePostgres } from '../src/db/pg/migrate.js';
import { runOnce } from '../src/run/run.js';
import { runTick } from '../src/run/tick.js';
import { tickContext } from '../src/run/tick-context.js';
import { planDigest, replanFor } from '../src/run/plan-digest.js';
import type { Workspace } from '../src/workspace/load.js';
import { PgBatchStore } from '../src/store/postgres.js';
import { spareCores } from '../src/run/threads.js';
import { TestClock } from '../src/time/clock.js';
import { startPgCluster } from '../test/helpers/pg-cluster.js';
import { plannedWorkspace, startSink } from './delivery.js';
import { AT, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const WORKERS = 4;
const HOUR = 3_600_000;
const DELIVERY_AT = Date.parse('2026-11-24T15:00:00Z');
const ROOT = resolve(import.meta.dirname, '..');

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export async function benchPgWorkers(leads: number, messages: number): Promise<void> {
  const cluster = await startPgCluster();
  try {
    await planning(cluster, leads);
    await delivery(cluster, messages);
  } finally {
    cluster.stop();
  }
}

/**
 * `WORKERS` idle `nurture worker` processes on the database (their own schedule is daily, at
 * midnight, out of the way), started and announced before anything is timed: the start-up of a
 * process (tsx compiling the sources) is not what is measured.
 */
async function startWorkers(dir: string, url: string): Promise<{ stop: () => Promise<void> }> {
  const children = Array.from({ length: WORKERS }, () =>
    spawn(process.execPath, [join(ROOT, 'bin', 'nurture.js'), '--workspace', dir, '--db', url, 'worker', '--every', 'P1D'], {
      env: { ...process.env, NURTURE_SECRET: 'bench', NURTURE_SMTP_URL: 'file:./outbox' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const pool = openPool(url, 1);
  try {
    for (;;) {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM workers WHERE stopped_at IS NULL');
      if (rows[0]!.n >= WORKERS) break;
      if (children.some((c) => c.exitCode !== null)) throw new Error('a worker exited before announcing itself');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await pool.end();
  }
  return {
    stop: async () => {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
    },
  };
}

/**
 * One tick over the idle workers: this process elects it (decides full or incremental as a
 * worker's runTick does, lays its batches out and NOTIFYs), the workers wake and plan it. Returns
 * its seconds from the election to the close, and its counts.
 */
async function pgTick(url: string, at: number, workspace: Workspace, full: boolean): Promise<{ seconds: number; counts: Record<string, number> }> {
  const store = await PgBatchStore.open(url, 2);
  try {
    await store.waitForEarlierRun(at);
    const start = Date.now();
    const digest = planDigest(workspace, (await tickContext(store, workspace, at)).ctx);
    const tick = await store.electTick(at, start, 1000, (stored) => ({ ...replanFor(false, full, stored, digest), digest }));
    if (!tick.elected) throw new Error(`the tick at ${new Date(at).toISOString()} was already run`);
    while ((await store.runStatus(tick.runId)) === 'running') await new Promise((r) => setTimeout(r, 20));
    const { rows } = await store.pool.query<{ finishedAt: number; counts: string }>('SELECT finished_at AS "finishedAt", counts FROM runs WHERE id = $1', [tick.runId]);
    return { seconds: (rows[0]!.finishedAt - start) / 1000, counts: JSON.parse(rows[0]!.counts) as Record<string, number> };
  } finally {
    await store.close();
  }
}

async function planning(cluster: Awaited<ReturnType<typeof startPgCluster>>, leads: number): Promise<void> {
  const dir = benchWorkspace('nurture-bench-pg');
  writeSequences(ROOT, dir);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
  const url = await cluster.createDatabase('bench_planning');
  const pool = openPool(url, 2);
  try {
    generate(app.conn.sqlite, leads);
    await migratePostgres(pool);
    const client = await pool.connect();
    try {
      await copySqliteToPostgres(app.conn.sqlite, client);
    } finally {
      client.release();
    }
    await pool.query('VACUUM ANALYZE');
    const threaded = (await spareCores()) > 0;
    const start = process.hrtime.bigint();
    const report = await runOnce(runDeps(app), { at: AT, planThread: threaded });
    const sqliteSeconds = seconds(start);
    const workers = await startWorkers(dir, url);
    let dead: { dead: number; live: number }[];
    let pgSeconds: number;
    let pgCounts: Record<string, number>;
    let rerunSeconds: number;
    let incremental: { seconds: number; counts: Record<string, number> };
    try {
      ({ seconds: pgSeconds, counts: pgCounts } = await pgTick(url, AT, app.workspace, true));
      // The unchanged rerun half an hour later (no local midnight of any generated zone in between,
      // which would move reasons from "not a send day" to "outside the window"), forced full: what it leaves for VACUUM in `sends`.
      await pool.query('VACUUM sends');
      rerunSeconds = (await pgTick(url, AT + HOUR / 2, app.workspace, true)).seconds;
      await new Promise((r) => setTimeout(r, 1500));
      ({ rows: dead } = await pool.query<{ dead: number; live: number }>(
        `SELECT n_dead_tup::int AS dead, (SELECT count(*)::int FROM sends) AS live FROM pg_stat_user_tables WHERE relname = 'sends'`,
      ));
      // 1% of the leads get a new event (the trigger wakes them): the next tick is incremental.
      await pool.query(
        `INSERT INTO events (lead_id, type, occurred_at, url, properties, dedupe_key, recorded_at, signal)
           SELECT id, 'page_viewed', $1, 'https://example.com/pricing', '{}', 'bench-' || id, $1, 'human' FROM leads WHERE id % 100 = 0`,
        [AT + HOUR / 2 + 30_000],
      );
      incremental = await pgTick(url, AT + HOUR / 2 + 60_000, app.workspace, false);
    } finally {
      await workers.stop();
    }
    const ratio = pgSeconds / sqliteSeconds;
    console.log(`leads: ${leads.toLocaleString('en-US')}, 30 sequences; ${WORKERS} workers on PostgreSQL`);
    console.log(`SQLite first run (runOnce, planner thread: ${threaded ? 'yes' : 'no'}): ${sqliteSeconds.toFixed(2)} s (${report.counts.enrolled} enrolled, ${report.counts.planned} planned)`);
    console.log(`PostgreSQL first run (${WORKERS} nurture worker processes woken by NOTIFY, one tick): ${pgSeconds.toFixed(2)} s (${pgCounts.enrolled} enrolled, ${pgCounts.planned} planned), ${ratio.toFixed(2)}× SQLite`);

    const share = dead[0]!.dead / Math.max(1, dead[0]!.live);
    console.log(`unchanged rerun half an hour later: ${rerunSeconds.toFixed(2)} s; dead tuples in sends ${dead[0]!.dead} of ${dead[0]!.live} rows (${(100 * share).toFixed(2)}%)`);
    const c = incremental.counts;
    console.log(
      `incremental rerun, 1% of the leads with a new event: ${incremental.seconds.toFixed(2)} s (${c.leads} planned, ${c.asleep} asleep), ${(incremental.seconds / pgSeconds).toFixed(3)}× the PostgreSQL first run`,
    );
    console.log(`targets: first run ≤ 2.5× SQLite ${ratio <= 2.5 ? 'met' : 'NOT met'}; dead tuples < 1% of sends ${share < 0.01 ? 'met' : 'NOT met'}`);
  } finally {
    await pool.end();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One PostgreSQL worker sending what was planned, against SQLite's run of the same touches; alternating rounds. */
async function delivery(cluster: Awaited<ReturnType<typeof startPgCluster>>, messages: number): Promise<void> {
  const sink = await startSink();
  const rounds = { sqlite: [] as number[], postgres: [] as number[] };
  try {
    for (let round = 0; round < 3; round++) {
      // Round 0 warms both sides up and is not counted.
      const n = round === 0 ? Math.min(500, messages) : messages;
      for (const kind of ['sqlite', 'postgres'] as const) {
        const { app, close } = await plannedWorkspace(sink, n);
        try {
          const before = await sink.received();
          let rate: number;
          if (kind === 'sqlite') {
            const start = process.hrtime.bigint();
            const sent = (await runOnce(runDeps(app), { at: DELIVERY_AT })).sent.length;
            rate = sent / seconds(start);
          } else {
            const url = await cluster.createDatabase(`bench_delivery_${round}`);
            const pool = openPool(url, 2);
            const client = await pool.connect();
            try {
              await migratePostgres(pool);
              await copySqliteToPostgres(app.conn.sqlite, client);
            } finally {
              client.release();
              await pool.end();
            }
            const pg = (await openRunApp({ workspaceDir: app.workspace.dir, dbPath: url, env: { NURTURE_SECRET: 'bench', NURTURE_SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, clock: new TestClock(DELIVERY_AT) })) as PgApp;
            try {
              const start = process.hrtime.bigint();
              const sent = (await runTick(tickDeps(pg, { workerId: null }), { at: DELIVERY_AT })).sent.length;
              rate = sent / seconds(start);
            } finally {
              await pg.close();
            }
          }
          const arrived = (await sink.received()) - before;
          if (arrived !== n) throw new Error(`${kind}: ${arrived} of ${n} messages arrived`);
          if (round > 0) rounds[kind].push(rate);
        } finally {
          close();
        }
      }
    }
  } finally {
    await sink.close();
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ratio = mean(rounds.postgres) / mean(rounds.sqlite);
  console.log(
    `delivery of ${messages} planned touches: SQLite run ${Math.round(mean(rounds.sqlite))} msg/s (rounds: ${rounds.sqlite.map(Math.round).join(', ')}), ` +
      `one PostgreSQL worker ${Math.round(mean(rounds.postgres))} msg/s (rounds: ${rounds.postgres.map(Math.round).join(', ')}), ${ratio.toFixed(2)}× SQLite`,
  );
  console.log(`target: delivery per worker ≥ 0.8× SQLite ${ratio >= 0.8 ? 'met' : 'NOT met'}`);
}
