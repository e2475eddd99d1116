import type pg from 'pg';
import { type EventTuple, groupByLead } from '../../db/events.js';
import type { ScoredEvent } from '../../domain/scoring-rules.js';
import type { FailureHistory } from '../types.js';
import { closeReplanPg } from './plan-state.js';
import { inTransaction } from './transaction.js';

type Queryable = pg.Pool | pg.PoolClient;

/** EventStore.forLeads on PostgreSQL: the human events of these leads, in time order. */
export async function eventsForPg(db: Queryable, leadIds: readonly number[]): Promise<Map<number, ScoredEvent[]>> {
  if (leadIds.length === 0) return new Map();
  const { rows } = await db.query<EventTuple>({
    text: `SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id = ANY($1::bigint[]) AND signal <> 'machine'
            ORDER BY lead_id, occurred_at, id`,
    values: [leadIds],
    rowMode: 'array',
  });
  return groupByLead(rows);
}

/** Outbox.attemptsOf and firstFailedAt for several sends at once. */
export async function failureHistoryPg(db: Queryable, sendIds: readonly number[]): Promise<Map<number, FailureHistory>> {
  if (sendIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; attempts: number; first: number | null }>(
    `SELECT s.id, s.attempts,
        (SELECT min(r.at) FROM delivery_attempts a JOIN runs r ON r.id = a.run_id WHERE a.send_id = s.id AND NOT a.ok) AS first
       FROM sends s WHERE s.id = ANY($1::bigint[])`,
    [sendIds],
  );
  return new Map(rows.map((r) => [r.id, { attempts: r.attempts, firstFailedAt: r.first }]));
}

export async function sendStatusPg(db: Queryable, sendId: number): Promise<{ status: string; plannedAt: number | null } | undefined> {
  const { rows } = await db.query<{ status: string; plannedAt: number | null }>(
    'SELECT status, planned_at AS "plannedAt" FROM sends WHERE id = $1',
    [sendId],
  );
  return rows[0];
}

export async function waitingCountPg(db: Queryable, now: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM sends WHERE status IN ('planned', 'failed') AND planned_at <= $1`,
    [now],
  );
  return rows[0]!.n;
}

export async function leadCountPg(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM leads');
  return rows[0]!.n;
}

/**
 * Adds a worker's share of a run's counts to the run's, under the run's row lock (several workers
 * finish their shares of a tick at about the same time, and none may overwrite another's), and
 * closes the run when no batch is pending. True for the one call that closed it.
 */
export async function finishSharePg(pool: pg.Pool, runId: number, now: number, counts: Record<string, number>): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    // A share that did nothing (a worker that found every batch taken) leaves the row as it is.
    if (Object.values(counts).some((n) => n !== 0)) {
      const { rows } = await client.query<{ counts: string }>('SELECT counts FROM runs WHERE id = $1 FOR UPDATE', [runId]);
      const sum = JSON.parse(rows[0]?.counts ?? '{}') as Record<string, number>;
      for (const [k, n] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + n;
      await client.query('UPDATE runs SET counts = $2 WHERE id = $1', [runId, JSON.stringify(sum)]);
    }
    const closed = await client.query(
      `UPDATE runs SET status = 'finished', finished_at = $2 WHERE id = $1 AND status = 'running'
         AND NOT EXISTS (SELECT 1 FROM run_batches WHERE run_id = $1 AND status = 'pending')`,
      [runId, now],
    );
    if (closed.rowCount !== 1) return false;
    await closeReplanPg(client, runId);
    return true;
  });
}
