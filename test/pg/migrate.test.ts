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

/** Tables only PostgreSQL has (src/db/pg/schema.ts, at the end). */
const PG_ONLY_TABLES = ['workers'];

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

  it('mirrors every table, column and index of the SQLite schema, both ways', async () => {
    const url = await cluster.createDatabase('mirror');
    const pool = openPool(url);
    const file = `${workspace.dir}/mirror.db`;
    try {
      await migratePostgres(pool);
      openDatabase(file).close();
      const sqlite = new Database(file, { readonly: true });
      const sqliteTables = (
        sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'`).all() as { name: string }[]
      )
        .map((r) => r.name)
        .sort();
      // Each table's columns (name, NOT NULL, has a default) and indexes (name, unique, columns, partial).
      const sqliteShape = (table: string) => ({
        table,
        columns: (sqlite.prepare(`SELECT name, "notnull" AS required, dflt_value IS NOT NULL AS hasDefault FROM pragma_table_info(?) ORDER BY name`).all(table) as {
          name: string;
          required: number;
          hasDefault: number;
        }[]).map((c) => ({ name: c.name, notNull: c.required === 1, hasDefault: c.hasDefault === 1 })),
        indexes: (sqlite.prepare(`SELECT name, "unique", partial FROM pragma_index_list(?) WHERE origin = 'c' ORDER BY name`).all(table) as {
          name: string;
          unique: number;
          partial: number;
        }[]).map((i) => ({
          name: i.name,
          unique: i.unique === 1,
          columns: (sqlite.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(i.name) as { name: string }[]).map((c) => c.name),
          partial: i.partial === 1,
        })),
      });
      const pgTables = (await pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map((r) => r.t);
      expect(pgTables.filter((t) => !PG_ONLY_TABLES.includes(t))).toEqual(sqliteTables);
      const pgShape = async (table: string) => ({
        table,
        columns: (
          await pool.query<{ name: string; notNull: boolean; hasDefault: boolean }>(
            `SELECT column_name AS name, is_nullable = 'NO' AS "notNull", (column_default IS NOT NULL AND is_identity = 'NO') AS "hasDefault"
               FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY column_name COLLATE "C"`,
            [table],
          )
        ).rows,
        indexes: (
          await pool.query<{ name: string; unique: boolean; columns: string[]; partial: boolean }>(
            `SELECT i.relname AS name, x.indisunique AS unique, x.indpred IS NOT NULL AS partial,
                array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
              WHERE t.relname = $1 AND t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary ORDER BY i.relname COLLATE "C"`,
            [table],
          )
        ).rows.map((i) => ({ name: i.name, unique: i.unique, columns: i.columns, partial: i.partial })),
      });
      for (const table of sqliteTables) {
        // SQLite's integer primary key may be NULL on paper (it is the rowid); PostgreSQL's is NOT NULL.
        const expected = sqliteShape(table);
        const actual = await pgShape(table);
        const keys = (sqlite.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk > 0`).all(table) as { name: string }[]).map((k) => k.name);
        expected.columns = expected.columns.map((c) => (keys.includes(c.name) ? { ...c, notNull: true } : c));
        expect(actual).toEqual(expected);
      }
      sqlite.close();
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
