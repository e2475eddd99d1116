import type pg from 'pg';
import { describeLocation } from '../location.js';
import { statusTables } from '../status.js';
import type { DbStatus } from '../types.js';
import { pgMigrationLevel } from './migrate.js';

/** `db status` on PostgreSQL: the schema level and, where their tables exist, ticks, batches, uncertain sends, workers. */
export async function pgStatus(pool: pg.Pool, url: string): Promise<DbStatus> {
  const { rows } = await pool.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()');
  const tables = new Set(rows.map((r) => r.tablename));
  const parts = await statusTables(async (sql) => (await pool.query(sql)).rows as Record<string, unknown>[], tables, 'postgres');
  return {
    kind: 'postgres',
    database: describeLocation({ kind: 'postgres', url }),
    exists: true,
    migrations: await pgMigrationLevel(pool),
    ...parts,
  };
}
