import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { PgBatchStore } from '../../src/store/postgres.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** Monday 2026-11-23 00:00 UTC (after the example events): three days of hourly ticks. */
const START = '2026-11-23T00:00:00Z';
const TICKS = 3 * 24;
const HOUR = 3_600_000;
const LAST = Date.parse(START) + (TICKS - 1) * HOUR;

const SENDS = `SELECT l.email, s.sequence_id AS "sequenceId", s.step_id AS "stepId", s.status, s.planned_at AS "plannedAt",
    s.due_at AS "dueAt", s.sent_at AS "sentAt", s.reason, s.variant, s.attempts FROM sends s JOIN leads l ON l.id = s.lead_id
  ORDER BY l.email, s.sequence_id, s.step_id`;
const WAKES = 'SELECT email, wake_at AS "wakeAt" FROM leads ORDER BY email';
/** Each run's leads planned and left asleep, in tick order. */
const RUNS = 'SELECT at, counts FROM runs ORDER BY at';

let cluster: PgCluster | undefined;
const sinks: SmtpSink[] = [];
const workspaces: ReturnType<typeof tempWorkspace>[] = [];
beforeAll(async () => {
  if (PG_TESTS) cluster = await startPgCluster();
});
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  cluster?.stop();
  for (const ws of workspaces) ws.cleanup();
});

async function exampleWorkspace(smtpUrl: string) {
  const ws = tempWorkspace();
  workspaces.push(ws);
  const cli = cliIn(ws.dir, new TestClock(Date.parse(START)), { NURTURE_SECRET: 'incremental', NURTURE_SMTP_URL: smtpUrl });
  expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
  expect((await cli('events', 'import', 'examples/events.csv', '--at', START)).status).toBe(0);
  return { dir: ws.dir, cli };
}

type Counts = { leads: number; asleep: number; sent: number };
const countsOf = (rows: { at: number; counts: string }[]): Counts[] =>
  rows.map((r) => {
    const c = JSON.parse(r.counts) as Record<string, number>;
    return { leads: c.leads ?? 0, asleep: c.asleep ?? 0, sent: c.sent ?? 0 };
  });

/** The table's cumulative row counters, as the statistics collector has them now. */
async function tableStats(pool: pg.Pool, table: string): Promise<{ updated: number; dead: number }> {
  await pool.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await pool.query<{ updated: string; dead: string }>(
    'SELECT n_tup_upd AS updated, n_dead_tup AS dead FROM pg_stat_user_tables WHERE relname = $1',
    [table],
  );
  return { updated: Number(rows[0]!.updated), dead: Number(rows[0]!.dead) };
}

it.runIf(PG_TESTS)(
  'three days of hourly incremental ticks: SQLite (runOnce) and PostgreSQL plan the same leads, send the same touches and store the same wakes; an unchanged rerun rewrites nothing',
  async () => {
    const [sqliteSink, pgSink] = [await startSmtpSink(), await startSmtpSink()];
    sinks.push(sqliteSink, pgSink);
    const sqlite = await exampleWorkspace(sqliteSink.url);
    const postgres = await exampleWorkspace(pgSink.url);
    const url = cluster!.url;
    expect((await postgres.cli('db', 'copy', '--to', url)).status).toBe(0);

    const onSqlite = await sqlite.cli('worker', '--at', START, '--ticks', String(TICKS), '--every', 'PT1H');
    expect(onSqlite.status, onSqlite.stderr).toBe(0);
    const onPostgres = await postgres.cli('--db', url, 'worker', '--at', START, '--ticks', String(TICKS), '--every', 'PT1H', '--batch-size', '64');
    expect(onPostgres.status, onPostgres.stderr).toBe(0);
    await Promise.all([sqliteSink.settled(), pgSink.settled()]);

    const ids = (sink: SmtpSink) => sink.messages.map((m) => m.messageId).sort();
    expect(ids(sqliteSink).length).toBeGreaterThan(100);
    expect(ids(pgSink)).toEqual(ids(sqliteSink));

    const db = new Database(join(sqlite.dir, '.nurture', 'nurture.db'), { readonly: true });
    const pool = openPool(url, 1);
    try {
      expect((await pool.query(SENDS)).rows).toEqual(db.prepare(SENDS).all());
      // Wakes written for every planned lead, the same on both stores.
      const wakes = (await pool.query<{ email: string; wakeAt: number }>(WAKES)).rows;
      expect(wakes).toEqual(db.prepare(WAKES).all());
      expect(wakes.filter((w) => w.wakeAt > LAST).length).toBeGreaterThan(wakes.length / 2);

      const pgRuns = countsOf((await pool.query<{ at: number; counts: string }>(RUNS)).rows);
      const sqliteRuns = countsOf(db.prepare(RUNS).all() as { at: number; counts: string }[]);
      expect(pgRuns).toEqual(sqliteRuns);
      expect(pgRuns.length).toBe(TICKS);
      const base = pgRuns[0]!.leads;
      expect(base).toBe(300);
      expect(pgRuns[0]!.asleep).toBe(0);
      // Non-vacuous: after the first tick, most ticks plan a small part of the base and count the rest asleep.
      const later = pgRuns.slice(1);
      for (const r of later) expect(r.leads + r.asleep).toBe(base);
      const small = later.filter((r) => r.leads <= base / 10);
      expect(small.length).toBeGreaterThan(later.length * 0.8);
      const planned = later.reduce((n, r) => n + r.leads, 0);
      expect(planned).toBeLessThan((base * later.length) / 5);

      // An unchanged rerun, a moment after the last tick: incremental, then forced full.
      await pool.query('ALTER TABLE sends SET (autovacuum_enabled = false); ALTER TABLE leads SET (autovacuum_enabled = false)');
      await pool.query('VACUUM sends');
      await pool.query('VACUUM leads');
      for (const [at, full] of [
        [LAST + 1, false],
        [LAST + 2, true],
      ] as const) {
        const before = { sends: await tableStats(pool, 'sends'), leads: await tableStats(pool, 'leads') };
        const wakesBefore = new Map(((await pool.query<{ email: string; wakeAt: number }>(WAKES)).rows).map((w) => [w.email, w.wakeAt]));
        const rerun = await postgres.cli('--db', url, 'run', '--json', '--at', new Date(at).toISOString(), ...(full ? ['--full'] : []));
        expect(rerun.status, rerun.stderr).toBe(0);
        const report = JSON.parse(rerun.stdout) as { replan: { mode: string }; counts: Counts };
        expect(report.replan.mode).toBe(full ? 'full' : 'incremental');
        expect(report.counts.sent).toBe(0);
        expect(report.counts.leads + report.counts.asleep).toBe(base);
        // The CLI's backends flush their counters as they exit, just after the process ends.
        await new Promise((r) => setTimeout(r, 1500));
        const moved = ((await pool.query<{ email: string; wakeAt: number }>(WAKES)).rows).filter((w) => wakesBefore.get(w.email) !== w.wakeAt).length;
        const after = { sends: await tableStats(pool, 'sends'), leads: await tableStats(pool, 'leads') };
        expect(after.sends.dead).toBe(0);
        expect(after.sends.updated - before.sends.updated).toBe(0);
        // Score writes (fit/engagement) would show here too; an unchanged rerun has none, so only the wakes that moved.
        expect(after.leads.updated - before.leads.updated).toBe(moved);
        console.log(`rerun ${full ? 'full' : 'incremental'}: ${report.counts.leads} planned, ${report.counts.asleep} asleep, leads n_tup_upd +${after.leads.updated - before.leads.updated} (${moved} wakes moved), sends n_tup_upd +${after.sends.updated - before.sends.updated}, n_dead_tup ${after.sends.dead}`);
      }

      // The decisions are dropped as the runs close; the full rerun left its digest.
      const state = async () => (await pool.query<{ key: string }>(`SELECT key FROM plan_state WHERE key = 'plan_digest' OR key LIKE 'replan:%'`)).rows.map((r) => r.key);
      expect(await state()).toEqual(['plan_digest']);
      // A full tick drops the digest when it is elected, and stores it again only when it closes:
      // one stopped halfway must not let the next ticks trust the old digest.
      const store = new PgBatchStore(pool, false);
      const elected = await store.electTick(LAST + 3, LAST + 3, 64, () => ({ mode: 'full', why: 'asked (--full)', digest: 'pending' }));
      expect(elected.elected).toBe(true);
      expect(await state()).toEqual([`replan:${elected.runId}`]);
      const joined = await postgres.cli('--db', url, 'run', '--json', '--at', new Date(LAST + 3).toISOString());
      expect(joined.status, joined.stderr).toBe(0);
      expect((JSON.parse(joined.stdout) as { replan: { mode: string } }).replan.mode).toBe('full');
      expect(await store.runStatus(elected.runId)).toBe('finished');
      expect((await pool.query(`SELECT value FROM plan_state WHERE key = 'plan_digest'`)).rows).toEqual([{ value: 'pending' }]);
    } finally {
      db.close();
      await pool.end();
    }
  },
  600_000,
);
