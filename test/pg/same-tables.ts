import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';

/** Every table of the SQLite database, row for row (ids included), against the same table on PostgreSQL; `ignore` names columns (`table.column`) left out. */
export async function expectSameTables(sqlitePath: string, url: string, ignore: readonly string[] = []): Promise<void> {
  const sqlite = new Database(sqlitePath, { readonly: true });
  let tables: string[];
  try {
    tables = (
      sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((t) => t.name);
  } finally {
    sqlite.close();
  }
  expect(tables).toContain('consent_log');
  await expectSameRows(sqlitePath, url, tables, ignore);
}

/** These tables row for row (booleans as SQLite's 0/1), by id where they have one; `ignore` names columns (`table.column`) left out. */
export async function expectSameRows(sqlitePath: string, url: string, tables: readonly string[], ignore: readonly string[] = []): Promise<void> {
  const sqlite = new Database(sqlitePath, { readonly: true });
  const pool = openPool(url, 1);
  try {
    for (const table of tables) {
      const columns = (sqlite.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[])
        .map((c) => c.name)
        .filter((c) => !ignore.includes(`${table}.${c}`));
      const list = columns.map((c) => `"${c}"`).join(', ');
      const order = columns.includes('id') ? 'id' : list;
      const expected = sqlite.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${order}`).all();
      const actual = (await pool.query(`SELECT ${list} FROM "${table}" ORDER BY ${order}`)).rows.map((r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])),
      );
      expect({ table, rows: actual }).toEqual({ table, rows: expected });
    }
  } finally {
    sqlite.close();
    await pool.end();
  }
}
