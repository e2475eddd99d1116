import type pg from 'pg';

/**
 * PauseStore (src/db/pauses.ts) on PostgreSQL. Each is one statement, so a pause and a worker's
 * plan of the lead serialise on the row; the input trigger (migrations/pg/0002) wakes the lead,
 * so the next tick plans it again, incremental or not.
 */

export async function pausePg(db: pg.Pool, leadId: number, since: number, until: number | null): Promise<void> {
  await db.query('UPDATE leads SET paused_at = $1, paused_until = $2, updated_at = $1 WHERE id = $3', [since, until, leadId]);
}

export async function resumePg(db: pg.Pool, leadId: number, now: number): Promise<boolean> {
  const result = await db.query('UPDATE leads SET paused_at = NULL, paused_until = NULL, updated_at = $1 WHERE id = $2 AND paused_at IS NOT NULL', [
    now,
    leadId,
  ]);
  return (result.rowCount ?? 0) > 0;
}
