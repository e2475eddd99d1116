import type pg from 'pg';
import { LEAD_COLUMNS, type LeadRow, type RawLead, toLeadRow } from '../../db/leads.js';
import { inTransaction } from './transaction.js';

/**
 * db/confirmations.ts's ConfirmationStore and the attempt it logs, on PostgreSQL: double opt-in,
 * at most one confirmation email per lead, claimed before it is sent.
 */
export class PgConfirmations {
  constructor(private readonly pool: pg.Pool) {}

  /** Leads waiting for their (one) confirmation email: pending, not suppressed, never sent one. */
  async pendingLeads(afterId: number, limit: number): Promise<LeadRow[]> {
    const { rows } = await this.pool.query<RawLead>({
      text: `SELECT ${LEAD_COLUMNS.split(',').map((c) => `l.${c.trim()}`).join(', ')} FROM leads l LEFT JOIN confirmations c ON c.lead_id = l.id
              WHERE l.id > $1 AND l.consent = 'pending' AND l.suppressed_reason IS NULL AND (c.id IS NULL OR c.status IN ('planned', 'failed'))
              ORDER BY l.id LIMIT $2`,
      values: [afterId, limit],
      rowMode: 'array',
    });
    return rows.map(toLeadRow);
  }

  /** Creates the lead's row once and claims it; undefined when it exists and is not due for a retry. */
  async claim(leadId: number, ref: string, now: number): Promise<number | undefined> {
    return inTransaction(this.pool, async (client) => {
      await client.query(`INSERT INTO confirmations (lead_id, ref, status, planned_at) VALUES ($1, $2, 'planned', $3) ON CONFLICT (lead_id) DO NOTHING`, [
        leadId,
        ref,
        now,
      ]);
      const { rows } = await client.query<{ id: number }>(
        `UPDATE confirmations SET status = 'sending', attempts = attempts + 1, sent_at = $1
          WHERE lead_id = $2 AND (status = 'planned' OR (status = 'failed' AND planned_at <= $1))
            AND EXISTS (SELECT 1 FROM leads WHERE id = $2 AND suppressed_reason IS NULL AND consent = 'pending') RETURNING id`,
        [now, leadId],
      );
      return rows[0]?.id;
    });
  }

  /** The answer to a claimed confirmation and its attempt, in one transaction; returns its attempts so far. */
  async record(
    id: number,
    answer: { ok: boolean; permanent: boolean; response: string; at: number; runId: number; retryAt: number },
    suppress?: { leadId: number; at: number },
  ): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO delivery_attempts (confirmation_id, at, ok, permanent, response, run_id) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        answer.at,
        answer.ok,
        answer.permanent,
        answer.response,
        answer.runId || null,
      ]);
      if (answer.ok) await client.query(`UPDATE confirmations SET status = 'sent', last_response = $2 WHERE id = $1 AND status = 'sending'`, [id, answer.response]);
      else
        await client.query(
          `UPDATE confirmations SET status = CASE WHEN $2 OR attempts >= 5 THEN 'skipped' ELSE 'failed' END, last_response = $3, planned_at = $4
            WHERE id = $1 AND status = 'sending'`,
          [id, answer.permanent, answer.response, answer.retryAt],
        );
      if (suppress)
        await client.query(
          `UPDATE leads SET suppressed_reason = coalesce(suppressed_reason, 'bounced'), suppressed_at = coalesce(suppressed_at, $2), updated_at = $3 WHERE id = $1`,
          [suppress.leadId, suppress.at, answer.at],
        );
    });
  }

  async attempts(id: number): Promise<number> {
    const { rows } = await this.pool.query<{ attempts: number }>('SELECT attempts FROM confirmations WHERE id = $1', [id]);
    return rows[0]?.attempts ?? 1;
  }

  /** Undoes a claim after a fault on our side: the confirmation waits, with no attempt counted. */
  async release(id: number): Promise<void> {
    await this.pool.query(
      `UPDATE confirmations SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'planned' END, attempts = attempts - 1, sent_at = NULL
        WHERE id = $1 AND status = 'sending'`,
      [id],
    );
  }
}
