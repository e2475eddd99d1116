/**
 * `nurture report` on PostgreSQL against SQLite, on the same generated history (bench/report.ts's
 * generator: BENCH_REPORT_PG_SENDS sends, 100,000 by default, five events each), copied row for row
 * into a throwaway cluster (test/helpers/pg-cluster.ts: fsync off, shared_buffers 32MB). For each
 * --by, the best of three of each store, the two reports checked equal, and the ratio.
 */
import { rmSync } from 'node:fs';
import { openApp } from '../src/app.js';
import { openPool } from '../src/db/pg/connection.js';
import { copySqliteToPostgres } from '../src/db/pg/copy.js';
import { migratePostgres } from '../src/db/pg/migrate.js';
import { sqliteReportReads } from '../src/db/report-reads.js';
import { buildReport } from '../src/report/build.js';
import { pgReportReads } from '../src/store/pg/report-reads.js';
import { inSnapshot } from '../src/store/pg/snapshot.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { startPgCluster } from '../test/helpers/pg-cluster.js';
import { bestOfAsync, generate } from './report.js';
import { benchWorkspace } from './workspace.js';

const START = Date.parse('2026-10-05T14:00:00Z');
const WEEKS = 6;

export async function benchReportPg(sends: number): Promise<void> {
  const dir = benchWorkspace('nurture-bench-report-pg');
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(START + WEEKS * 7 * DAY_MS) });
  const cluster = await startPgCluster();
  const pool = openPool(cluster.url, 2);
  try {
    generate(app, sends);
    await migratePostgres(pool);
    const client = await pool.connect();
    try {
      await copySqliteToPostgres(app.conn.sqlite, client);
      await client.query('VACUUM ANALYZE');
    } finally {
      client.release();
    }
    const from = START;
    const to = START + (WEEKS + 3) * 7 * DAY_MS;
    const goals = [{ id: 'meeting', event: 'meeting_booked' as const, within: 'P14D', model: 'last-touch' as const }];
    const lite = sqliteReportReads(app.conn.sqlite);
    console.log(`${sends.toLocaleString('en-US')} sends copied to PostgreSQL`);
    for (const by of ['sequence', 'step', 'force', 'week', 'variant'] as const) {
      const [a, sqlite] = await bestOfAsync(() => buildReport(lite, { from, to, by, goals }));
      const [b, postgres] = await bestOfAsync(() => inSnapshot(pool, (c) => buildReport(pgReportReads(c), { from, to, by, goals })));
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`report --by ${by}: PostgreSQL's report differs from SQLite's`);
      console.log(
        `report --by ${by}: SQLite ${sqlite.wall.toFixed(2)} s, PostgreSQL ${postgres.wall.toFixed(2)} s (${(postgres.wall / sqlite.wall).toFixed(2)}×; ` +
          `this process's CPU ${sqlite.cpu.toFixed(2)} s and ${postgres.cpu.toFixed(2)} s), same report (${a.rows.length} rows, ${a.totals.sent.toLocaleString('en-US')} sent)`,
      );
    }
  } finally {
    await pool.end();
    cluster.stop();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReportPg(Number(process.env.BENCH_REPORT_PG_SENDS ?? 100_000));
