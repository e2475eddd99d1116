/**
 * `nurture serve`'s link endpoints on PostgreSQL against SQLite (issue 16: serve reads the same
 * database as the workers): the report bench's generated sends, copied to a throwaway cluster,
 * and open-pixel and click requests handled in process, interleaved one by one between the two
 * databases so both see the same machine load. Each request hits a different message delivered
 * long before (the settled path: an open is one INSERT … SELECT by ref on both; a click on
 * PostgreSQL also takes its message's advisory lock in a transaction).
 */
import { rmSync } from 'node:fs';
import { isPgApp, openApp, openRunApp } from '../src/app.js';
import { openPool } from '../src/db/pg/connection.js';
import { copySqliteToPostgres } from '../src/db/pg/copy.js';
import { migratePostgres } from '../src/db/pg/migrate.js';
import { signLinkAt } from '../src/mail/links.js';
import { TestClock } from '../src/time/clock.js';
import { createWebApp } from '../src/web/app.js';
import type { Router } from '../src/web/router.js';
import { startPgCluster } from '../test/helpers/pg-cluster.js';
import { generate } from './report.js';
import { benchWorkspace } from './workspace.js';

/** The report bench's "now": six weeks after its first send (bench/report.ts START + WEEKS). */
const NOW = Date.parse('2026-11-16T14:00:00Z');
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

const ORDER = ['sqlite', 'postgres'] as const;
const REVERSED = ['postgres', 'sqlite'] as const;
const percentile = (t: number[], q: number) => [...t].sort((a, b) => a - b)[Math.min(t.length - 1, Math.floor(t.length * q))]!;

export async function benchPgLinks(sends: number, count: number): Promise<void> {
  const cluster = await startPgCluster();
  const dir = benchWorkspace('nurture-bench-pg-links');
  const clock = new TestClock(NOW);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
  try {
    generate(app, sends);
    const url = await cluster.createDatabase('bench_links');
    const pool = openPool(url, 1);
    try {
      await migratePostgres(pool);
      const client = await pool.connect();
      try {
        await copySqliteToPostgres(app.conn.sqlite, client);
      } finally {
        client.release();
      }
      await pool.query('VACUUM ANALYZE');
    } finally {
      await pool.end();
    }
    const pgApp = await openRunApp({ workspaceDir: dir, dbPath: url, env: { NURTURE_SECRET: 'bench' }, clock });
    if (!isPgApp(pgApp)) throw new Error(`${url} did not open PostgreSQL`);
    try {
      const refs = app.conn.sqlite.prepare('SELECT ref FROM sends WHERE sent_at <= ? ORDER BY id DESC LIMIT ?').pluck().all(NOW - 600_000, count * 4) as string[];
      if (refs.length < count * 4) throw new Error(`only ${refs.length} messages delivered before ${new Date(NOW).toISOString()}`);
      const routers: Record<'sqlite' | 'postgres', Router> = {
        sqlite: createWebApp(app, { webhookSecret: 'bench' }),
        postgres: createWebApp(pgApp, { webhookSecret: 'bench' }),
      };
      const times = { open: { sqlite: [] as number[], postgres: [] as number[] }, click: { sqlite: [] as number[], postgres: [] as number[] } };
      let k = 0;
      for (let i = 0; i < count; i++)
        for (const kind of ['open', 'click'] as const)
          for (const db of i % 2 === 0 ? ORDER : REVERSED) {
            const ref = refs[k++]!;
            const token = kind === 'open' ? signLinkAt(app.secret, { kind: 'open', ref }, NOW) : signLinkAt(app.secret, { kind: 'click', ref, url: 'https://tidewater.example/roi' }, NOW);
            const start = process.hrtime.bigint();
            const response = await routers[db].handle(new Request(`http://127.0.0.1/${kind === 'open' ? 'o' : 'c'}/${token}`, { headers: { 'user-agent': UA } }));
            await response.arrayBuffer();
            times[kind][db].push(Number(process.hrtime.bigint() - start) / 1e6);
          }
      const { rows } = await pgApp.store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE source LIKE 'link %'");
      const stored = app.conn.sqlite.prepare("SELECT count(*) AS n FROM events WHERE source LIKE 'link %'").pluck().get() as number;
      if (rows[0]!.n !== count * 2 || stored !== count * 2) throw new Error(`stored ${rows[0]!.n} on PostgreSQL, ${stored} on SQLite; expected ${count * 2} each`);
      const show = (t: number[]) => `p50 ${percentile(t, 0.5).toFixed(3)} ms, p95 ${percentile(t, 0.95).toFixed(3)} ms`;
      for (const kind of ['open', 'click'] as const) {
        const { sqlite, postgres } = times[kind];
        console.log(
          `${kind} link, ${count} requests each, interleaved (${sends.toLocaleString('en-US')} sends): SQLite ${show(sqlite)}; PostgreSQL ${show(postgres)}; ` +
            `PostgreSQL/SQLite p50 ${(percentile(postgres, 0.5) / percentile(sqlite, 0.5)).toFixed(2)}×`,
        );
      }
    } finally {
      await pgApp.close();
    }
  } finally {
    app.close();
    cluster.stop();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
