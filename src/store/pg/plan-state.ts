import type pg from 'pg';
import { sendTimeMarkKey } from '../../run/plan-snapshot.js';

/**
 * run/plan-snapshot.ts's sendTimeMark on PostgreSQL: the last event id the send-time counts read
 * on `now`'s day. The day's first tick keeps the newest event's id; several workers starting that
 * tick at once all get the one mark (the first insert wins, the others find it).
 */
export async function sendTimeMarkPg(pool: pg.Pool, now: number): Promise<number> {
  const key = sendTimeMarkKey(now);
  await pool.query(
    `INSERT INTO plan_state (key, value) SELECT $1::text, coalesce(max(id), 0)::text FROM events ON CONFLICT (key) DO NOTHING`,
    [key],
  );
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM plan_state WHERE key = $1', [key]);
  return Number(rows[0]!.value);
}
