import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { migrationJournal } from '../../src/db/migration-journal.js';
import { openPool } from '../../src/db/pg/connection.js';
import { migratePostgres, PG_MIGRATIONS_DIR } from '../../src/db/pg/migrate.js';
import { WORKER_LOCK_CLASS } from '../../src/db/status.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const PG_LATEST = migrationJournal(PG_MIGRATIONS_DIR).at(-1)!.tag;

describe.runIf(PG_TESTS)('PostgreSQL schema and migrations', () => {
  let cluster: PgCluster;
  let workspace: ReturnType<typeof tempWorkspace>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    workspace = tempWorkspace();
  });
  afterAll(() => {
    cluster?.stop();
    workspace?.cleanup();
  });
  const cli = () => cliIn(workspace.dir, new TestClock(Date.parse('2026-03-02T15:00:00Z')));

  it('two workers migrating at once apply each migration once (advisory lock)', async () => {
    const url = await cluster.createDatabase('race');
    const pools = [openPool(url), openPool(url)];
    try {
      const results = await Promise.all(pools.map((pool) => migratePostgres(pool)));
      const applied = results.map((r) => r.after.applied - r.before.applied).sort();
      expect(applied).toEqual([0, migrationJournal(PG_MIGRATIONS_DIR).length]);
      const { rows } = await pools[0]!.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
      expect(rows[0]!.n).toBe(migrationJournal(PG_MIGRATIONS_DIR).length);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('mirrors every table and index of the SQLite schema', async () => {
    const url = await cluster.createDatabase('mirror');
    const pool = openPool(url);
    const file = `${workspace.dir}/mirror.db`;
    try {
      await migratePostgres(pool);
      const sqlite = openDatabase(file);
      const names = (type: string) =>
        (sqlite.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'`).all(type) as { name: string }[])
          .map((r) => r.name)
          .sort();
      const sqliteTables = names('table');
      const sqliteIndexes = names('index');
      sqlite.close();
      const tables = (await pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.t);
      const indexes = (await pool.query<{ i: string }>(`SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public'`)).rows.map((r) => r.i);
      expect(tables).toEqual(expect.arrayContaining(sqliteTables));
      expect(indexes).toEqual(expect.arrayContaining(sqliteIndexes));
      // Columns too: same names, table by table.
      for (const table of sqliteTables) {
        const check = new Database(file, { readonly: true });
        const sqliteColumns = (check.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name).sort();
        check.close();
        const pgColumns = (
          await pool.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`, [table])
        ).rows
          .map((r) => r.c)
          .sort();
        expect({ table, columns: pgColumns }).toEqual({ table, columns: sqliteColumns });
      }
      // Epoch milliseconds and ids come back as numbers, as SQLite gives them.
      await pool.query(`INSERT INTO leads (email, created_at, updated_at) VALUES ('a@b.example', 1772463600123, 1772463600123)`);
      const { rows } = await pool.query('SELECT id, created_at, score FROM leads');
      expect(rows).toEqual([{ id: 1, created_at: 1772463600123, score: null }]);
    } finally {
      await pool.end();
      rmSync(file, { force: true });
    }
  });

  it('nurture db migrate and db status --json through NURTURE_DATABASE_URL', async () => {
    const url = await cluster.createDatabase('cli');
    const env = { NURTURE_DATABASE_URL: url };
    const run = (...argv: string[]) => cliIn(workspace.dir, new TestClock(Date.parse('2026-03-02T15:00:00Z')), env)(...argv);
    const empty = JSON.parse((await run('db', 'status', '--json')).stdout);
    expect(empty).toMatchObject({ kind: 'postgres', exists: true, migrations: { applied: 0 }, lastRun: null, uncertainSends: null, workers: null });

    const migrated = await run('db', 'migrate');
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toBe(`PostgreSQL ${url}: applied ${migrationJournal(PG_MIGRATIONS_DIR).length} migration(s), empty -> ${PG_LATEST}`);

    // A tick with two batches, one planned, an uncertain send, and two workers of which one holds its lock.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await client.query(`INSERT INTO runs (id, at, started_at, status, tick_at) VALUES (7, 1772463600000, 1772463600000, 'running', 1772463600000)`);
      await client.query(`INSERT INTO run_batches (run_id, batch_no, after_id, last_id, status) VALUES (7, 0, 0, 10, 'planned'), (7, 1, 10, 20, 'pending')`);
      await client.query(`INSERT INTO leads (id, email, created_at, updated_at) VALUES (1, 'a@b.example', 0, 0)`);
      await client.query(`INSERT INTO enrollments (id, lead_id, sequence_id, status, enrolled_at) VALUES (1, 1, 's', 'active', 0)`);
      await client.query(
        `INSERT INTO sends (enrollment_id, lead_id, sequence_id, step_id, force, status, ref, updated_at) VALUES (1, 1, 's', 'a', 'push', 'sending', 'r1', 0)`,
      );
      await client.query(
        `INSERT INTO workers (id, host, pid, started_at, seen_at) VALUES (1, 'host-a', 100, 1772463600000, 1772463660000), (2, 'host-b', 200, 1772463600000, 1772463600000)`,
      );
      await holder.query('SELECT pg_advisory_lock($1, $2)', [WORKER_LOCK_CLASS, 1]);

      const status = JSON.parse((await run('db', 'status', '--json')).stdout);
      expect(status).toMatchObject({
        kind: 'postgres',
        migrations: { pending: [] },
        lastRun: { id: 7, status: 'running' },
        currentTick: { runId: 7, tickAt: 1772463600000, status: 'running', batches: { planned: 1, pending: 1 } },
        uncertainSends: 1,
        workers: [
          { id: 1, host: 'host-a', pid: 100, alive: true },
          { id: 2, host: 'host-b', pid: 200, alive: false },
        ],
      });
      const human = await run('db', 'status');
      expect(human.stdout).toContain('current tick: 2026-03-02T15:00:00.000Z (run #7, running); batches: 1 planned, 1 pending');
      expect(human.stdout).toContain('workers: 1 alive of 2 announced');
      expect(human.stdout).toContain('#2 pid 200 on host-b, since 2026-03-02T15:00:00.000Z, last seen 2026-03-02T15:00:00.000Z (gone)');
    } finally {
      await holder.end();
      await client.end();
    }
  });

  it('an unreachable server is a clear exit 1', async () => {
    const result = await cli()('db', 'status', '--db', 'postgres://nurture:pw@127.0.0.1:1/nope');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot connect to PostgreSQL at postgres://nurture:***@127.0.0.1:1/nope');
  });
});
