import type pg from 'pg';
import { inTransaction } from './transaction.js';

/**
 * Runs `fn` on one connection inside a read-only REPEATABLE READ transaction: every query sees
 * the same snapshot, so a report's rows and totals agree while workers keep writing.
 */
export function inSnapshot<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return fn(client);
  });
}
