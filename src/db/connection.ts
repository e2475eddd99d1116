import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Connection {
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

/** The generated SQL migrations, found relative to this file in both src/ and dist/. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

/**
 * Opens (creating if needed) the SQLite database in WAL mode and applies pending migrations in
 * one transaction. A failed migration leaves the database as it was and says which one failed.
 */
export function openDatabase(path: string): Connection {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A run commits one batch of leads at a time, each dirtying a few hundred pages of the random
  // sends_ref and sends_status indexes: checkpointing (and syncing) every ~1,000 pages, SQLite's
  // default, did so after nearly every batch. At 10,000 pages (40 MiB of WAL) it is one in ~25.
  sqlite.pragma('wal_autocheckpoint = 10000');
  const db = drizzle(sqlite, { schema });
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } catch (error) {
    sqlite.close();
    throw new Error(
      `could not apply database migrations from ${MIGRATIONS_DIR} to ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { db, sqlite, path, close: () => sqlite.close() };
}

/**
 * A read-only connection for a worker thread, to a database its caller has already opened and
 * migrated: nothing to check or create, and WAL lets it read while the caller writes.
 */
export function openReader(path: string): Database.Database {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}
