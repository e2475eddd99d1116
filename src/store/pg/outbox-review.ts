import type pg from 'pg';
import { BACKING_OFF_SQL, MOVED_ON_SQL, resolveStatement, type BackingOff } from '../../db/outbox.js';
import { handResolution, type OutboxReview, type ResolveResult } from '../outbox-review.js';
import { RUN_LOCK_CLASS } from '../postgres.js';
import { uncertainPg } from './sends.js';
import { inTransaction } from './transaction.js';

/** SQLite's `?` placeholders as PostgreSQL's `$1, $2, …`, so both run one statement text. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * The outbox review on PostgreSQL. A touch is `sending` between its claim and its outcome, on
 * the worker (any host) that planned its batch; that worker holds its run's lock, shared, until it
 * has sent and recorded its share (PgBatchStore.holdRun). Resolving takes that lock exclusively
 * for its transaction, without waiting: taken, no live worker has the touch in hand (it died, on
 * whatever host: its session's locks went with it); refused, one may be sending it right now.
 */
export function pgOutboxReview(pool: pg.Pool): OutboxReview {
  return {
    async backingOff() {
      return (await pool.query<BackingOff>(BACKING_OFF_SQL)).rows;
    },
    uncertain: () => uncertainPg(pool),
    resolve: (sendId, outcome, messageId, now) =>
      inTransaction(pool, async (client): Promise<ResolveResult> => {
        const { rows } = await client.query<{ runId: number | null }>(
          `SELECT run_id AS "runId" FROM sends WHERE id = $1 AND status = 'sending' FOR UPDATE`,
          [sendId],
        );
        if (rows.length === 0) return 'not-uncertain';
        const runId = rows[0]!.runId;
        if (runId !== null) {
          const { rows: lock } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [RUN_LOCK_CLASS, runId]);
          if (!lock[0]!.ok) return { live: `run ${runId} is still running on a live worker` };
        }
        if (outcome === 'retry' && (await client.query(numbered(MOVED_ON_SQL), [sendId])).rows.length > 0) return 'moved-on';
        const { sql, params } = resolveStatement(sendId, outcome, messageId, now);
        if ((await client.query(numbered(sql), params)).rowCount !== 1) return 'not-uncertain';
        const a = handResolution(sendId, outcome, now);
        await client.query(
          'INSERT INTO delivery_attempts (send_id, confirmation_id, at, ok, permanent, response, run_id) VALUES ($1, NULL, $2, $3, $4, $5, NULL)',
          [a.sendId, a.at, a.ok, a.permanent, a.response],
        );
        return 'done';
      }),
  };
}
