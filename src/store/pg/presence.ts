import type pg from 'pg';
import type { UncertainSend } from '../../db/outbox.js';
import { openSession } from '../../db/pg/connection.js';
import { WORKER_LOCK_CLASS } from '../../db/status.js';
import { TICK_CHANNEL } from '../postgres.js';

/** A worker that stopped without saying so, and the touches it had claimed and never confirmed. */
export interface GoneWorker {
  id: number;
  host: string;
  pid: number;
  uncertain: UncertainSend[];
}

/**
 * A worker's presence in the shared database, on a session of its own: a `workers` row, a session
 * advisory lock on (WORKER_LOCK_CLASS, its id) held for the worker's life, `seen_at` heartbeats,
 * and LISTEN on the tick channel. The lock is how the others tell it is dead: PostgreSQL frees it
 * the moment the session ends (a killed process, a lost host), so a worker that can take another's
 * lock knows that one is gone, on whichever host it ran.
 */
export class WorkerPresence {
  private constructor(
    private readonly session: pg.Client,
    readonly id: number,
  ) {}

  static async announce(url: string, who: { host: string; pid: number }, now: number): Promise<WorkerPresence> {
    const session = await openSession(url);
    // An idle session that loses its server must not crash the worker: its next query says so.
    session.on('error', () => {});
    try {
      // Row and lock in one transaction: no other worker ever sees the row without its lock.
      await session.query('BEGIN');
      const { rows } = await session.query<{ id: number }>(
        'INSERT INTO workers (host, pid, started_at, seen_at) VALUES ($1, $2, $3, $3) RETURNING id',
        [who.host, who.pid, now],
      );
      const id = rows[0]!.id;
      await session.query('SELECT pg_advisory_lock($1, $2)', [WORKER_LOCK_CLASS, id]);
      await session.query('COMMIT');
      await session.query(`LISTEN ${TICK_CHANNEL}`);
      return new WorkerPresence(session, id);
    } catch (error) {
      await session.end().catch(() => {});
      throw error;
    }
  }

  /** Calls `listener` with the run id each time a tick's batches are laid out (by any worker or run). */
  onTick(listener: (runId: number) => void): void {
    this.session.on('notification', (n) => {
      if (n.channel === TICK_CHANNEL) listener(Number(n.payload));
    });
  }

  async heartbeat(now: number): Promise<void> {
    await this.session.query('UPDATE workers SET seen_at = $2 WHERE id = $1', [this.id, now]);
  }

  /**
   * The announced workers whose lock is free: each is marked stopped (so it is reported once) with
   * the touches it had claimed, in the batches it planned, and left `sending` — uncertain, never
   * resent (nurture outbox uncertain / resolve settle them).
   */
  async gone(now: number): Promise<GoneWorker[]> {
    const { rows } = await this.session.query<{ id: number; host: string; pid: number }>(
      'SELECT id, host, pid FROM workers WHERE stopped_at IS NULL AND id <> $1 ORDER BY id',
      [this.id],
    );
    const out: GoneWorker[] = [];
    for (const w of rows) {
      const { rows: locked } = await this.session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [WORKER_LOCK_CLASS, w.id]);
      if (!locked[0]!.ok) continue;
      try {
        const marked = await this.session.query('UPDATE workers SET stopped_at = $2 WHERE id = $1 AND stopped_at IS NULL', [w.id, now]);
        if (marked.rowCount !== 1) continue;
        const { rows: uncertain } = await this.session.query<UncertainSend>(
          `SELECT s.id, s.lead_id AS "leadId", s.ref, s.run_id AS "runId", s.attempts, l.email, l.timezone, s.sequence_id AS "sequenceId",
             s.step_id AS "stepId", s.force, s.sent_at AS "claimedAt"
           FROM sends s JOIN leads l ON l.id = s.lead_id
           JOIN run_batches b ON b.run_id = s.run_id AND s.lead_id > b.after_id AND s.lead_id <= b.last_id
          WHERE s.status = 'sending' AND b.worker_id = $1 ORDER BY s.id`,
          [w.id],
        );
        out.push({ ...w, uncertain });
      } finally {
        await this.session.query('SELECT pg_advisory_unlock($1, $2)', [WORKER_LOCK_CLASS, w.id]);
      }
    }
    return out;
  }

  /** A clean stop: the row says so, and the lock goes with the session. */
  async stop(now: number): Promise<void> {
    try {
      await this.session.query('UPDATE workers SET stopped_at = $2 WHERE id = $1', [this.id, now]);
    } finally {
      await this.session.end().catch(() => {});
    }
  }
}
