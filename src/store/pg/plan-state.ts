import type pg from 'pg';
import { SEND_TIME_MARK, snapshotAt } from '../../run/plan-snapshot.js';

/**
 * run/plan-snapshot.ts's sendTimeMark on PostgreSQL: the last event id the send-time counts read
 * on `now`'s day. The day's first tick keeps the newest event's id; several workers starting that
 * tick at once all get the one mark (the upsert's row lock orders them, and the later ones find
 * the day already marked).
 */
export async function sendTimeMarkPg(pool: pg.Pool, now: number): Promise<number> {
  const day = String(snapshotAt(now));
  await pool.query(
    `INSERT INTO plan_state (key, value) SELECT $1::text, $2::text || ':' || coalesce(max(id), 0)::text FROM events
       ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE split_part(plan_state.value, ':', 1) <> $2::text`,
    [SEND_TIME_MARK, day],
  );
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM plan_state WHERE key = $1', [SEND_TIME_MARK]);
  return Number(rows[0]!.value.split(':')[1]);
}
