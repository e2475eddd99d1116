import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { MIGRATIONS_DIR } from '../connection.js';
import { migrationJournal, migrationLevel } from '../migration-journal.js';
import type { MigrationLevel } from '../types.js';

export const PG_MIGRATIONS_DIR = join(MIGRATIONS_DIR, 'pg');

/** The advisory lock key migrations are applied under ("nurt" as a 32-bit number). */
export const MIGRATE_LOCK_KEY = 0x6e757274;

/** How many migrations drizzle recorded as applied (0 before the first). */
export async function appliedPgMigrations(db: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await db.query<{ n: number | null }>(
    `SELECT CASE WHEN to_regclass('drizzle.__drizzle_migrations') IS NULL THEN 0 END AS n`,
  );
  if (rows[0]!.n === 0) return 0;
  const count = await db.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return count.rows[0]!.n;
}

export async function pgMigrationLevel(db: pg.Pool | pg.PoolClient): Promise<MigrationLevel> {
  return migrationLevel(await appliedPgMigrations(db), migrationJournal(PG_MIGRATIONS_DIR));
}

/**
 * Applies the pending migrations of migrations/pg/ in one transaction, under a session advisory
 * lock: two workers starting together both wait for the lock, the first applies, the second then
 * finds nothing pending. Returns the level before and after.
 */
export async function migratePostgres(pool: pg.Pool): Promise<{ before: MigrationLevel; after: MigrationLevel }> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK_KEY]);
    try {
      const before = await pgMigrationLevel(client);
      try {
        await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR });
      } catch (error) {
        throw new Error(`could not apply PostgreSQL migrations from ${PG_MIGRATIONS_DIR}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return { before, after: await pgMigrationLevel(client) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
