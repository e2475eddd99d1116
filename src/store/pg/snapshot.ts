import type pg from 'pg';
import { inTransaction } from './transaction.js';

/**
 * Runs `fn` on one connection inside a read-only REPEATABLE READ transaction: every query sees
 * the same snapshot, so a report's rows and totals (or a forecast's leads) agree while workers keep
 * writing. JIT is off for it: a report runs the same statement page after page, and compiling each (about 70 ms for
 * the cohort's page at 20,000 sends) cost more than the page's execution saved.
 */
export function inSnapshot<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL jit = off');
}
