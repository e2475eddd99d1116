import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS_DIR, openDatabase } from './connection.js';
import { migrationJournal, migrationLevel } from './migration-journal.js';
import { statusTables } from './status.js';
import type { DbStatus, MigrationLevel } from './types.js';

function level(sqlite: Database.Database): MigrationLevel {
  const has = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get();
  const applied = has ? (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
  return migrationLevel(applied, migrationJournal(MIGRATIONS_DIR));
}

/** `db status` on a SQLite file, read-only: a missing file is reported, never created. */
export async function sqliteStatus(path: string): Promise<DbStatus> {
  const empty = { lastRun: null, currentTick: null, uncertainSends: null, workers: null };
  if (path !== ':memory:' && !existsSync(path))
    return { kind: 'sqlite', database: path, exists: false, migrations: migrationLevel(0, migrationJournal(MIGRATIONS_DIR)), ...empty };
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set(
      (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name),
    );
    const parts = await statusTables(async (sql) => sqlite.prepare(sql).all() as Record<string, unknown>[], tables, 'sqlite');
    return { kind: 'sqlite', database: path, exists: true, migrations: level(sqlite), ...parts };
  } finally {
    sqlite.close();
  }
}

/** `db migrate` on SQLite: opening applies what is pending (as every command does); says before and after. */
export function migrateSqlite(path: string): { before: MigrationLevel; after: MigrationLevel } {
  let before = migrationLevel(0, migrationJournal(MIGRATIONS_DIR));
  if (existsSync(path)) {
    const sqlite = new Database(path, { readonly: true, fileMustExist: true });
    try {
      before = level(sqlite);
    } finally {
      sqlite.close();
    }
  }
  const conn = openDatabase(path);
  try {
    return { before, after: level(conn.sqlite) };
  } finally {
    conn.close();
  }
}
