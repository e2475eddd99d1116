import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const AT = '2026-11-24T15:00:00Z';

describe.runIf(PG_TESTS)('nurture db copy --to postgres://…', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
  });
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  it('copies every table row for row, keeps ids, syncs identities, and refuses a target with data', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', AT)).status).toBe(0);
    expect((await cli('run', '--at', AT)).status).toBe(0);
    // What experiments add (a decision, a touch's variant) is copied like the rest.
    const source = new Database(join(ws.dir, '.nurture', 'nurture.db'));
    source.prepare(`INSERT INTO experiment_decisions (experiment, outcome, decided_at, concluded_at) VALUES ('new-signups/pain', '{"kind":"winner","variant":"b"}', ?, NULL)`).run(Date.parse(AT));
    expect(source.prepare(`UPDATE sends SET variant = 'b' WHERE id = (SELECT min(id) FROM sends)`).run().changes).toBe(1);
    source.close();

    const url = await cluster.createDatabase('copy');
    const copied = await cli('db', 'copy', '--to', url, '--json');
    expect(copied.stderr).toBe('');
    expect(copied.status).toBe(0);
    const report = JSON.parse(copied.stdout) as { tables: { table: string; rows: number }[]; rows: number };
    const byTable = new Map(report.tables.map((t) => [t.table, t.rows]));
    expect(byTable.get('leads')).toBe(300);
    expect(byTable.get('sends')).toBeGreaterThan(0);
    expect(byTable.get('experiment_decisions')).toBe(1);
    expect(report.tables.findIndex((t) => t.table === 'leads')).toBeLessThan(report.tables.findIndex((t) => t.table === 'events'));

    const sqlite = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
    const pool = openPool(url, 2);
    try {
      for (const { table } of report.tables) {
        const columns = (sqlite.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[]).map((c) => c.name);
        const list = columns.map((c) => `"${c}"`).join(', ');
        const order = columns.includes('id') ? 'id' : columns.join(', ');
        const expected = sqlite.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${order}`).all();
        const actual = (await pool.query(`SELECT ${list} FROM "${table}" ORDER BY ${order}`)).rows.map((r: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])),
        );
        expect({ table, rows: actual }).toEqual({ table, rows: expected });
      }
      // New rows get ids after the copied ones.
      const { rows } = await pool.query<{ id: number }>(`INSERT INTO leads (email, created_at, updated_at) VALUES ('new@example.com', 0, 0) RETURNING id`);
      expect(rows[0]!.id).toBe(301);
    } finally {
      sqlite.close();
      await pool.end();
    }

    const again = await cli('db', 'copy', '--to', url);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`db copy to ${url}: the target is not empty: `);
  });

  it('refuses a target that lacks a column of the source, naming it', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const url = await cluster.createDatabase('behind');
    expect((await cli('db', 'migrate', '--db', url)).status).toBe(0);
    const pool = openPool(url, 1);
    try {
      await pool.query('DROP INDEX sends_variant');
      await pool.query('ALTER TABLE sends DROP COLUMN variant');
    } finally {
      await pool.end();
    }
    const copied = await cli('db', 'copy', '--to', url);
    expect(copied.status).toBe(1);
    expect(copied.stderr).toContain(`db copy to ${url}: column sends.variant has no counterpart in PostgreSQL`);
  });

  it('says what is wrong with --to and with a PostgreSQL source', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const notUrl = await cli('db', 'copy', '--to', 'other.db');
    expect(notUrl.status).toBe(1);
    expect(notUrl.stderr).toContain('--to: other.db is not a postgres:// URL');
    const fromPg = await cli('db', 'copy', '--to', cluster.url, '--db', cluster.url);
    expect(fromPg.status).toBe(1);
    expect(fromPg.stderr).toContain(`db copy reads a SQLite database; the database here is PostgreSQL ${cluster.url} (from --db)`);
  });
});
