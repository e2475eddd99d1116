import { existsSync } from 'node:fs';
import { openDatabase } from '../db/connection.js';
import { sqliteLintReads } from '../db/lint-reads.js';
import { describeLocation } from '../db/location.js';
import { checkConnection, openPool } from '../db/pg/connection.js';
import { pgMigrationLevel } from '../db/pg/migrate.js';
import type { DatabaseLocation } from '../db/types.js';
import { inSnapshot } from '../store/pg/snapshot.js';
import { pgLintReads } from '../store/pg/lint-reads.js';
import { CONFIG_FILE, type Workspace } from '../workspace/load.js';
import { type LeadCheckResult, leadChecks } from './lead-checks.js';

/**
 * lint's lead checks on the workspace's database. A SQLite file that does not exist has no leads
 * to check. PostgreSQL is only read, never migrated (it may be someone's production database): a
 * server that cannot be reached or a schema behind this version skips the checks with a warning
 * that says why, and lint still reports on the workspace.
 */
export async function leadCheckResult(location: DatabaseLocation, workspace: Workspace, now: number): Promise<LeadCheckResult> {
  if (location.kind === 'sqlite') {
    if (!existsSync(location.path)) return { warnings: [] };
    const conn = openDatabase(location.path);
    try {
      return await leadChecks(sqliteLintReads(conn.sqlite), workspace, now);
    } finally {
      conn.close();
    }
  }
  const skipped = (why: string): LeadCheckResult => ({ warnings: [{ file: CONFIG_FILE, message: `lead checks skipped: ${why}` }] });
  const pool = openPool(location.url, 1);
  const where = describeLocation(location);
  try {
    try {
      await checkConnection(pool, location.url);
    } catch (error) {
      return skipped((error as Error).message);
    }
    try {
      const level = await pgMigrationLevel(pool);
      if (level.pending.length > 0)
        return skipped(`the PostgreSQL database ${where} is not migrated (${level.applied} of ${level.available} migrations applied; run \`nurture db migrate\`)`);
      return await inSnapshot(pool, (client) => leadChecks(pgLintReads(client), workspace, now));
    } catch (error) {
      // Lost mid-read (a restart, a failover) or refused (a role without SELECT): the workspace checks still stand.
      return skipped(`reading leads from PostgreSQL at ${where} failed: ${(error as Error).message}`);
    }
  } finally {
    await pool.end();
  }
}
