import type pg from 'pg';
import { ENGAGED_PROFILES_SQL, type ProfileRow, SEND_TIME_SIGNALS_SQL, type SendTimeSignal } from '../../db/send-time-counts.js';
import { sendTimeMarkKey } from '../../run/plan-snapshot.js';

type Queryable = pg.Pool | pg.PoolClient;

/** The human opens and clicks stored up to event `mark`, and with `profiles` the engaged leads' profiles (send-time segments). */
export async function sendTimeSignalsPg(db: Queryable, mark: number, profiles: boolean): Promise<{ signals: SendTimeSignal[]; profiles: ProfileRow[] }> {
  const { rows } = await db.query<SendTimeSignal>({ text: `${SEND_TIME_SIGNALS_SQL} AND e.id <= $1`, values: [mark], rowMode: 'array' });
  if (!profiles) return { signals: rows, profiles: [] };
  const engaged = await db.query<unknown[]>({ text: ENGAGED_PROFILES_SQL.replace('?', '$1'), values: [mark], rowMode: 'array' });
  return { signals: rows, profiles: engaged.rows as unknown as ProfileRow[] };
}

/**
 * run/plan-snapshot.ts's sendTimeMark(…, store: false) on PostgreSQL: the mark of `now`'s day when
 * a tick kept it, else the newest event (what that day's first tick will keep). Writes nothing:
 * the forecast reads it.
 */
export async function sendTimeMarkReadPg(db: Queryable, now: number): Promise<number> {
  const { rows } = await db.query<{ value: string }>(
    `SELECT coalesce((SELECT value FROM plan_state WHERE key = $1), (SELECT coalesce(max(id), 0)::text FROM events)) AS value`,
    [sendTimeMarkKey(now)],
  );
  return Number(rows[0]!.value);
}
