import type pg from 'pg';
import { DIGEST_KEY } from '../../run/plan-digest.js';
import { sendTimeMarkKey } from '../../run/plan-snapshot.js';
import type { TickReplan } from '../types.js';

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

/** The plan_state key of a run's replan decision (dropped when the run closes). */
export const replanKey = (runId: number): string => `replan:${runId}`;

export async function storedDigestPg(db: pg.Pool | pg.PoolClient): Promise<string | undefined> {
  const { rows } = await db.query<{ value: string }>('SELECT value FROM plan_state WHERE key = $1', [DIGEST_KEY]);
  return rows[0]?.value;
}

/**
 * Keeps the elected worker's decision with the run. A full tick also drops the stored digest until
 * it completes (as runOnce does): one stopped halfway leaves leads planned by the new rules, and
 * reverting the edit must not let them sleep on the old digest.
 */
export async function saveReplanPg(db: pg.Pool | pg.PoolClient, runId: number, replan: TickReplan): Promise<void> {
  if (replan.mode === 'full') await db.query('DELETE FROM plan_state WHERE key = $1', [DIGEST_KEY]);
  await db.query('INSERT INTO plan_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
    replanKey(runId),
    JSON.stringify(replan),
  ]);
}

export async function replanOfPg(db: pg.Pool | pg.PoolClient, runId: number): Promise<TickReplan | undefined> {
  const { rows } = await db.query<{ value: string }>('SELECT value FROM plan_state WHERE key = $1', [replanKey(runId)]);
  return rows[0] ? (JSON.parse(rows[0].value) as TickReplan) : undefined;
}

/**
 * At the close of a run (in its transaction): a full tick's digest becomes the stored one (every
 * lead was planned with it: the next ticks may be incremental), and the run's decision is dropped.
 */
export async function closeReplanPg(client: pg.PoolClient, runId: number): Promise<void> {
  await client.query(
    `INSERT INTO plan_state (key, value) SELECT $2, value::json->>'digest' FROM plan_state WHERE key = $1 AND value::json->>'mode' = 'full'
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [replanKey(runId), DIGEST_KEY],
  );
  await client.query('DELETE FROM plan_state WHERE key = $1', [replanKey(runId)]);
}
