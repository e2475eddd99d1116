import type { Database, Statement } from 'better-sqlite3';
import { StatementCache } from './statements.js';

export interface Confirmation {
  id: number;
  leadId: number;
  ref: string;
  status: 'planned' | 'sending' | 'sent' | 'failed' | 'confirmed' | 'skipped';
  attempts: number;
  plannedAt: number;
}

/** Double opt-in: at most one confirmation email per lead, claimed before sending like the outbox. */
export class ConfirmationStore {
  private readonly statements: StatementCache;
  constructor(private readonly sqlite: Database) {
    this.statements = new StatementCache(sqlite);
  }

  private prepare(sql: string): Statement {
    return this.statements.get(sql);
  }

  forLead(leadId: number): Confirmation | undefined {
    return this.prepare(
      'SELECT id, lead_id AS leadId, ref, status, attempts, planned_at AS plannedAt FROM confirmations WHERE lead_id = ?',
    ).get(leadId) as Confirmation | undefined;
  }

  byRef(ref: string): Confirmation | undefined {
    return this.prepare(
      'SELECT id, lead_id AS leadId, ref, status, attempts, planned_at AS plannedAt FROM confirmations WHERE ref = ?',
    ).get(ref) as Confirmation | undefined;
  }

  /** Creates the lead's confirmation row once and claims it; false when it exists and is not due for a retry. */
  claim(leadId: number, ref: string, now: number): number | undefined {
    return this.sqlite.transaction(() => {
      this.prepare(`INSERT INTO confirmations (lead_id, ref, status, planned_at) VALUES (?, ?, 'planned', ?) ON CONFLICT (lead_id) DO NOTHING`).run(
        leadId,
        ref,
        now,
      );
      const info = this.prepare(
        `UPDATE confirmations SET status = 'sending', attempts = attempts + 1, sent_at = ?
         WHERE lead_id = ? AND (status = 'planned' OR (status = 'failed' AND planned_at <= ?))
           AND EXISTS (SELECT 1 FROM leads WHERE id = ? AND suppressed_reason IS NULL AND consent = 'pending')`,
      ).run(now, leadId, now, leadId);
      return info.changes === 1 ? this.forLead(leadId)!.id : undefined;
    })();
  }

  markSent(id: number, response: string): void {
    this.prepare(`UPDATE confirmations SET status = 'sent', last_response = ? WHERE id = ? AND status = 'sending'`).run(response, id);
  }

  markFailed(id: number, response: string, permanent: boolean, retryAt: number): void {
    this.prepare(
      `UPDATE confirmations SET status = CASE WHEN ? OR attempts >= 5 THEN 'skipped' ELSE 'failed' END,
        last_response = ?, planned_at = ? WHERE id = ? AND status = 'sending'`,
    ).run(permanent ? 1 : 0, response, retryAt, id);
  }

  /** Undoes a claim after a fault on our side: the confirmation waits, with no attempt counted. */
  release(id: number): void {
    this.prepare(
      `UPDATE confirmations SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'planned' END, attempts = attempts - 1, sent_at = NULL
        WHERE id = ? AND status = 'sending'`,
    ).run(id);
  }

  markConfirmed(id: number, now: number): void {
    this.prepare(`UPDATE confirmations SET status = 'confirmed', confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?`).run(now, id);
  }

  /** Leads waiting for their (one) confirmation email: pending, not suppressed, never sent one. */
  pendingLeadIds(afterId: number, limit: number): number[] {
    return (
      this.prepare(
        `SELECT l.id FROM leads l LEFT JOIN confirmations c ON c.lead_id = l.id
         WHERE l.id > ? AND l.consent = 'pending' AND l.suppressed_reason IS NULL
           AND (c.id IS NULL OR c.status IN ('planned', 'failed'))
         ORDER BY l.id LIMIT ?`,
      )
        .raw()
        .all(afterId, limit) as [number][]
    ).map((r) => r[0]);
  }
}

export class AttemptLog {
  private readonly insert: Statement;
  constructor(sqlite: Database) {
    this.insert = sqlite.prepare(
      `INSERT INTO delivery_attempts (send_id, confirmation_id, at, ok, permanent, response, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Every SMTP attempt, with the server's reply. */
  record(a: { sendId?: number; confirmationId?: number; at: number; ok: boolean; permanent: boolean; response: string; runId: number }): void {
    this.insert.run(a.sendId ?? null, a.confirmationId ?? null, a.at, a.ok ? 1 : 0, a.permanent ? 1 : 0, a.response, a.runId || null);
  }
}
