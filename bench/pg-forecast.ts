/**
 * The forecast on PostgreSQL against SQLite (issue 16: `calendar` reads the same database): a
 * 90-day forecast of N generated leads, planned once by a run, on SQLite as `nurture calendar`
 * plans it (worker threads when a core is free) and in one thread, and on PostgreSQL (batches on
 * one snapshot, the next read while this one is planned). Ratios from the same process.
 */
import { copySqliteToPostgres } from '../src/db/pg/copy.js';
import { openPool } from '../src/db/pg/connection.js';
import { migratePostgres } from '../src/db/pg/migrate.js';
import { forecast } from '../src/run/forecast.js';
import { pgForecastReader } from '../src/run/forecast-pg.js';
import { forecastInThreads, threadsFor } from '../src/run/forecast-threads.js';
import { DAY_MS } from '../src/time/clock.js';
import { startPgCluster } from '../test/helpers/pg-cluster.js';
import { AT, plannedBase, timed } from './forecast.js';

export async function benchPgForecast(leads: number): Promise<void> {
  const cluster = await startPgCluster();
  const { app, close } = await plannedBase('nurture-bench-pg-forecast', leads);
  const pool = openPool(await cluster.createDatabase('bench_forecast'), 4);
  try {
    await migratePostgres(pool);
    const client = await pool.connect();
    try {
      await copySqliteToPostgres(app.conn.sqlite, client);
    } finally {
      client.release();
    }
    await pool.query('VACUUM ANALYZE');
    const window = { from: AT, to: AT + 90 * DAY_MS };
    const threads = await threadsFor(app.conn);
    const threaded = await timed(() => forecastInThreads(app.conn, app.workspace, window, threads));
    const single = await timed(() => forecast(app.conn, app.workspace, window));
    const onPg = await timed(() => pgForecastReader(pool).forecast(app.workspace, window));
    if (JSON.stringify(onPg.value) !== JSON.stringify(single.value)) throw new Error('the PostgreSQL forecast differs from SQLite\'s');
    console.log(`leads: ${leads.toLocaleString('en-US')}, ${single.value.items.length.toLocaleString('en-US')} touches in 90 days (identical on both)`);
    console.log(`SQLite, as calendar plans it (this thread and ${threads.workers} workers): ${threaded.wall.toFixed(2)} s (cpu ${threaded.cpu.toFixed(2)} s)`);
    console.log(`SQLite, one thread: ${single.wall.toFixed(2)} s (cpu ${single.cpu.toFixed(2)} s)`);
    console.log(
      `PostgreSQL: ${onPg.wall.toFixed(2)} s (cpu here ${onPg.cpu.toFixed(2)} s): ${(onPg.wall / single.wall).toFixed(2)}× SQLite in one thread, ${(onPg.wall / threaded.wall).toFixed(2)}× as calendar plans it`,
    );
  } finally {
    await pool.end();
    close();
    cluster.stop();
  }
}
