import pg from 'pg';
import { describeLocation } from '../location.js';

/**
 * bigint (int8) columns hold epoch milliseconds and ids: read them as JS numbers, as SQLite's
 * integers are, so both stores hand the domain the same values. A value past 2^53 would lose
 * digits silently; it throws instead.
 */
function int8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} does not fit a JavaScript number`);
  return n;
}

const INT8_OID = 20;

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? int8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool to one PostgreSQL database; `max` connections (a worker needs few: one claim at a time plus reads). */
export function openPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types, application_name: 'nurture' });
  // An idle client that loses its server (a restart) must not crash the process: the next query says so.
  pool.on('error', () => {});
  return pool;
}

/**
 * One connection of its own, outside any pool: a worker's session (its advisory lock lives as
 * long as this connection, and its LISTEN hears notifications on it).
 */
export async function openSession(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, types, application_name: 'nurture worker' });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${describeLocation({ kind: 'postgres', url })}: ${(error as Error).message}`, { cause: error });
  }
  return client;
}

/** Connects once to say early, and plainly, when the server cannot be reached. */
export async function checkConnection(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${describeLocation({ kind: 'postgres', url })}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
