import type { Pool } from 'pg';
import { openPool, checkConnection } from '../../db/pg/connection.js';
import { migratePostgres } from '../../db/pg/migrate.js';
import { pgStatus } from '../../db/pg/status.js';
import { describeLocation, isPostgresUrl } from '../../db/location.js';
import { openDatabase } from '../../db/connection.js';
import { copySqliteToPostgres, CopyRefusedError } from '../../db/pg/copy.js';
import { migrateSqlite, sqliteStatus } from '../../db/sqlite-status.js';
import type { DbStatus, MigrationLevel, ResolvedDatabase } from '../../db/types.js';
import type { GlobalOptions } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json } from '../output.js';
import { dbCommandDatabase } from './db-location.js';

async function withPool<T>(url: string, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = openPool(url, 2);
  try {
    try {
      await checkConnection(pool, url);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** `nurture db migrate`: applies the pending migrations of the database's kind. */
export async function dbMigrateCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  const database = dbCommandDatabase(io, globals);
  const { location } = database;
  const { before, after } =
    location.kind === 'sqlite' ? migrateSqlite(location.path) : await withPool(location.url, migratePostgres);
  const applied = after.applied - before.applied;
  if (globals.json) {
    io.stdout(json({ kind: location.kind, database: describeLocation(location), applied, before: before.latest, migrations: after }));
    return 0;
  }
  io.stdout(
    applied === 0
      ? `${label(database)}: up to date (${after.applied} migrations, latest ${after.latest ?? 'none'})`
      : `${label(database)}: applied ${applied} migration(s), ${before.latest ?? 'empty'} -> ${after.latest}`,
  );
  return 0;
}

/** `nurture db status`: kind, schema level, and the tick/batch/uncertain/worker tables that exist. */
export async function dbStatusCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  const database = dbCommandDatabase(io, globals);
  const { location } = database;
  const status = location.kind === 'sqlite' ? await sqliteStatus(location.path) : await withPool(location.url, (pool) => pgStatus(pool, location.url));
  if (globals.json) io.stdout(json(status));
  else for (const line of statusLines(database, status)) io.stdout(line);
  return 0;
}

const label = (database: ResolvedDatabase) =>
  `${database.location.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${describeLocation(database.location)}`;

const iso = (ms: number) => new Date(ms).toISOString();

function levelLine(m: MigrationLevel): string {
  const pending = m.pending.length === 0 ? 'none pending' : `${m.pending.length} pending (${m.pending.join(', ')}): run nurture db migrate`;
  return `migrations: ${m.applied} of ${m.available} applied (latest ${m.latest ?? 'none'}); ${pending}`;
}

function statusLines(database: ResolvedDatabase, s: DbStatus): string[] {
  const lines = [`database: ${label(database)} (from ${database.source})`];
  if (!s.exists) return [...lines, 'no database file yet: nurture db migrate (or any command that stores data) creates it'];
  lines.push(levelLine(s.migrations));
  if (s.lastRun) lines.push(`last run: #${s.lastRun.id} at ${iso(s.lastRun.at)}, ${s.lastRun.status}`);
  if (s.currentTick)
    lines.push(
      `current tick: ${iso(s.currentTick.tickAt)} (run #${s.currentTick.runId}, ${s.currentTick.status}); batches: ${s.currentTick.batches.planned} planned, ${s.currentTick.batches.pending} pending`,
    );
  if (s.uncertainSends !== null)
    lines.push(`uncertain sends: ${s.uncertainSends}${s.uncertainSends > 0 ? ' (see nurture outbox uncertain)' : ''}`);
  if (s.workers !== null) {
    lines.push(`workers: ${s.workers.filter((w) => w.alive).length} alive of ${s.workers.length} announced`);
    for (const w of s.workers)
      lines.push(`  #${w.id} pid ${w.pid} on ${w.host}, since ${iso(w.startedAt)}, last seen ${iso(w.seenAt)}${w.alive ? '' : ' (gone)'}`);
  }
  return lines;
}

/** `nurture db copy --to postgres://…`: the workspace's SQLite database into an empty PostgreSQL one. */
export async function dbCopyCommand(io: CliIo, globals: GlobalOptions, options: { to: string }): Promise<number> {
  const source = dbCommandDatabase(io, globals);
  if (source.location.kind !== 'sqlite')
    throw new UserError(`db copy reads a SQLite database; the database here is ${label(source)} (from ${source.source})`);
  if (!isPostgresUrl(options.to)) throw new UserError(`--to: ${options.to} is not a postgres:// URL`);
  const target = describeLocation({ kind: 'postgres', url: options.to });
  const conn = openDatabase(source.location.path);
  try {
    const tables = await withPool(options.to, async (pool) => {
      await migratePostgres(pool);
      const client = await pool.connect();
      try {
        return await copySqliteToPostgres(conn.sqlite, client, (t) => {
          if (!globals.json) io.stderr(`copied ${t.table}: ${t.rows} row(s)`);
        });
      } catch (error) {
        if (error instanceof CopyRefusedError) throw new UserError(`db copy to ${target}: ${error.message}`);
        throw error;
      } finally {
        client.release();
      }
    });
    const total = tables.reduce((n, t) => n + t.rows, 0);
    if (globals.json) io.stdout(json({ from: source.location.path, to: target, tables, rows: total }));
    else
      io.stdout(
        `copied ${total} row(s) in ${tables.length} tables from ${source.location.path} to ${target}; counts match. ` +
          `Point the workspace at it with NURTURE_DATABASE_URL once the commands you use run on PostgreSQL.`,
      );
    return 0;
  } finally {
    conn.close();
  }
}
