import type { Database, Statement } from 'better-sqlite3';
import { StatementCache } from './statements.js';
import type { EnrollmentState, SendRecord } from '../domain/lead-plan.js';

export interface StoredEnrollment extends EnrollmentState {
  id: number;
  leadId: number;
}

export interface StoredSend extends SendRecord {
  id: number;
  leadId: number;
  enrollmentId: number;
  attempts: number;
  plannedAt: number | null;
  dueAt: number | null;
  reason: string;
  variant: string | null;
}

export interface UncertainSend {
  id: number;
  leadId: number;
  ref: string;
  runId: number | null;
  attempts: number;
  email: string;
  timezone: string;
  sequenceId: string;
  stepId: string;
  force: string;
  claimedAt: number;
}

/** A touch to plan (the enrolment, and the run that plans it, are given beside it). */
export interface PlannedTouch {
  leadId: number;
  sequenceId: string;
  stepId: string;
  force: string;
  plannedAt: number;
  dueAt: number;
  reason: string;
  /** The experiment variant the touch carries (steps with variants). */
  variant?: string;
}

export interface BackingOff {
  id: number;
  email: string;
  timezone: string;
  sequenceId: string;
  stepId: string;
  attempts: number;
  retryAt: number;
  lastResponse: string | null;
  firstFailedAt: number | null;
}

export type UncertainOutcome = 'sent' | 'retry' | 'skip';

/** Touches backing off after temporary refusals, soonest retry first (SQL both databases read: `?` is numbered for PostgreSQL). */
export const BACKING_OFF_SQL = `SELECT s.id, l.email, l.timezone, s.sequence_id AS "sequenceId", s.step_id AS "stepId", s.attempts,
    s.planned_at AS "retryAt", s.last_response AS "lastResponse",
    (SELECT min(r.at) FROM delivery_attempts a JOIN runs r ON r.id = a.run_id WHERE a.send_id = s.id AND NOT a.ok) AS "firstFailedAt"
   FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.status = 'failed' ORDER BY s.planned_at, s.id`;

/** A row whose enrolment ended or sent a later step since it was claimed: a retry of it would never go out. */
export const MOVED_ON_SQL = `SELECT 1 FROM sends s JOIN enrollments e ON e.id = s.enrollment_id
  WHERE s.id = ? AND (e.status <> 'active' OR EXISTS (
    SELECT 1 FROM sends o WHERE o.enrollment_id = s.enrollment_id AND o.id <> s.id
      AND o.status IN ('sent', 'sending') AND o.sent_at >= s.sent_at))`;

/**
 * The update that settles an uncertain row: 'sent' keeps it sent (at its claim time), 'retry'
 * makes it due again, 'skip' drops it; only while it is still `sending`.
 */
export function resolveStatement(sendId: number, outcome: UncertainOutcome, messageId: string, now: number): { sql: string; params: unknown[] } {
  const note = `resolved by hand: ${outcome === 'sent' ? 'it went out' : outcome === 'retry' ? 'send it again' : 'never send it'}`;
  if (outcome === 'sent')
    return {
      sql: `UPDATE sends SET status = 'sent', message_id = ?, last_response = ?, updated_at = ? WHERE id = ? AND status = 'sending'`,
      params: [messageId, note, now, sendId],
    };
  // Due again from the moment it was claimed, not from this one: the wall clock of a resolve says
  // nothing of the time a run is asked to run at (`run --at`).
  return {
    sql: `UPDATE sends SET status = ?, sent_at = NULL, planned_at = coalesce(sent_at, ?), reason = ?, last_response = ?, updated_at = ?
           WHERE id = ? AND status = 'sending'`,
    params: [outcome === 'retry' ? 'failed' : 'skipped', now, note, note, now, sendId],
  };
}


/** Enrolments and the outbox (sends). Every state change of a touch goes through here. */
export class Outbox {
  private readonly statements: StatementCache;

  constructor(private readonly sqlite: Database) {
    this.statements = new StatementCache(sqlite);
  }

  private prepare(sql: string): Statement {
    return this.statements.get(sql);
  }

  enrollmentsForLeadRange(fromId: number, toId: number): Map<number, StoredEnrollment[]> {
    const rows = this.prepare(
      `SELECT id, lead_id AS leadId, sequence_id AS sequenceId, status, enrolled_at AS enrolledAt, ended_at AS endedAt,
          reason AS exitReason FROM enrollments WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, enrolled_at, id`,
    ).all(fromId, toId) as StoredEnrollment[];
    return groupBy(rows, (r) => r.leadId);
  }

  sendsForLeadRange(fromId: number, toId: number): Map<number, StoredSend[]> {
    const rows = this.prepare(
      `SELECT id, lead_id AS leadId, enrollment_id AS enrollmentId, sequence_id AS sequenceId, step_id AS stepId,
          status, coalesce(sent_at, planned_at) AS at, attempts, planned_at AS plannedAt, due_at AS dueAt, reason, variant
         FROM sends WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, id`,
    ).all(fromId, toId) as StoredSend[];
    return groupBy(rows, (r) => r.leadId);
  }

  /** `enrollmentsForLeadRange` and `sendsForLeadRange` for scattered ids (an incremental run's due leads), one statement each. */
  forLeadIds(ids: readonly number[]): { enrollments: Map<number, StoredEnrollment[]>; sends: Map<number, StoredSend[]> } {
    const list = JSON.stringify(ids);
    const enrollments = this.prepare(
      `SELECT id, lead_id AS leadId, sequence_id AS sequenceId, status, enrolled_at AS enrolledAt, ended_at AS endedAt,
          reason AS exitReason FROM enrollments WHERE lead_id IN (SELECT value FROM json_each(?)) ORDER BY lead_id, enrolled_at, id`,
    ).all(list) as StoredEnrollment[];
    const sends = this.prepare(
      `SELECT id, lead_id AS leadId, enrollment_id AS enrollmentId, sequence_id AS sequenceId, step_id AS stepId,
          status, coalesce(sent_at, planned_at) AS at, attempts, planned_at AS plannedAt, due_at AS dueAt, reason, variant
         FROM sends WHERE lead_id IN (SELECT value FROM json_each(?)) ORDER BY lead_id, id`,
    ).all(list) as StoredSend[];
    return { enrollments: groupBy(enrollments, (r) => r.leadId), sends: groupBy(sends, (r) => r.leadId) };
  }

  enroll(leadId: number, sequenceId: string, at: number, reason: string, runId: number): number {
    return Number(
      this.prepare(
        `INSERT INTO enrollments (lead_id, sequence_id, status, enrolled_at, reason, entry_reason, run_id) VALUES (?, ?, 'active', ?, ?, ?, ?)`,
      ).run(leadId, sequenceId, at, reason, reason, runId).lastInsertRowid,
    );
  }

  /** Why the lead entered each of its sequences (explain, the lead page). */
  entryReasons(leadId: number): Map<string, string> {
    const rows = this.prepare('SELECT sequence_id AS sequenceId, entry_reason AS reason FROM enrollments WHERE lead_id = ?').all(leadId) as {
      sequenceId: string;
      reason: string;
    }[];
    return new Map(rows.map((r) => [r.sequenceId, r.reason]));
  }

  endEnrollment(id: number, status: 'completed' | 'exited', at: number, reason: string): void {
    this.prepare(
      `UPDATE enrollments SET status = ?, ended_at = ?, reason = ? WHERE id = ? AND status = 'active'`,
    ).run(status, at, reason, id);
  }

  /**
   * Records (or moves) the next planned touch; never touches a row already claimed or sent. The
   * ref stays '' until the row is claimed: most planned rows are moved many times before they go.
   */
  plan(t: PlannedTouch, enrollmentId: number, runId: number, now: number): void {
    this.prepare(
      `INSERT INTO sends (enrollment_id, lead_id, sequence_id, step_id, force, status, planned_at, due_at, reason, ref, run_id, updated_at, variant)
         VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?, '', ?, ?, ?)
         ON CONFLICT (enrollment_id, step_id) DO UPDATE SET planned_at = excluded.planned_at, due_at = excluded.due_at,
           reason = excluded.reason, run_id = excluded.run_id, updated_at = excluded.updated_at, variant = excluded.variant
         WHERE sends.status = 'planned' AND (sends.planned_at IS NOT excluded.planned_at OR sends.due_at IS NOT excluded.due_at
           OR sends.variant IS NOT excluded.variant)`,
    ).run(enrollmentId, t.leadId, t.sequenceId, t.stepId, t.force, t.plannedAt, t.dueAt, t.reason, runId, now, t.variant ?? null);
  }

  /** A step its condition (or a goto) passed over: recorded skipped with the reason, never sent. */
  skipStep(t: Omit<PlannedTouch, 'dueAt'>, enrollmentId: number, runId: number, now: number): void {
    this.prepare(
      `INSERT INTO sends (enrollment_id, lead_id, sequence_id, step_id, force, status, planned_at, due_at, reason, ref, run_id, updated_at)
         VALUES (?, ?, ?, ?, ?, 'skipped', ?, ?, ?, '', ?, ?)
         ON CONFLICT (enrollment_id, step_id) DO UPDATE SET status = 'skipped', reason = excluded.reason,
           run_id = excluded.run_id, updated_at = excluded.updated_at
         WHERE sends.status = 'planned'`,
    ).run(enrollmentId, t.leadId, t.sequenceId, t.stepId, t.force, t.plannedAt, t.plannedAt, t.reason, runId, now);
  }

  /** Drops planned rows of an enrolment that ended: they will not go out. */
  skipPlanned(enrollmentId: number, reason: string, now: number): void {
    this.prepare(
      `UPDATE sends SET status = 'skipped', reason = ?, updated_at = ? WHERE enrollment_id = ? AND status = 'planned'`,
    ).run(reason, now, enrollmentId);
  }

  /**
   * Claims a touch for sending, atomically re-checking that the lead may still be mailed (an
   * unsubscribe recorded a moment ago wins), and gives it its message ref (the links' key).
   * Returns false when it must not be sent.
   */
  claim(
    sendId: number,
    ref: string,
    leadId: number,
    allowedConsents: readonly string[],
    runId: number,
    now: number,
  ): boolean {
    const placeholders = allowedConsents.map(() => '?').join(', ');
    const info = this.prepare(
      `UPDATE sends SET status = 'sending', attempts = attempts + 1, ref = ?, run_id = ?, sent_at = ?, updated_at = ?
         WHERE id = ? AND (status = 'planned' OR (status = 'failed' AND planned_at <= ?))
           AND EXISTS (SELECT 1 FROM leads WHERE id = ? AND suppressed_reason IS NULL AND consent IN (${placeholders})
             AND (paused_at IS NULL OR paused_until <= ?))`,
    ).run(ref, runId, now, now, sendId, now, leadId, ...allowedConsents, now);
    return info.changes === 1;
  }

  markSent(sendId: number, messageId: string, response: string, now: number): void {
    this.prepare(
      `UPDATE sends SET status = 'sent', message_id = ?, last_response = ?, updated_at = ? WHERE id = ? AND status = 'sending'`,
    ).run(messageId, response, now, sendId);
  }

  /** Records a refused touch: `failed` (retried by a later run, not before `retryAt`) or `skipped` (final). */
  markFailed(sendId: number, status: 'failed' | 'skipped', reason: string, response: string, now: number, retryAt: number): void {
    this.prepare(
      `UPDATE sends SET status = ?, sent_at = NULL, planned_at = ?, last_response = ?, reason = ?, updated_at = ?
         WHERE id = ? AND status = 'sending'`,
    ).run(status, retryAt, response, reason, now, sendId);
  }

  /**
   * Undoes a claim after a fault on our side (the relay refused our login, TLS, the connection):
   * the touch waits as it was — planned, or backing off — with no attempt counted against it.
   */
  release(sendId: number, now: number): void {
    this.prepare(
      `UPDATE sends SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'planned' END, attempts = attempts - 1,
          ref = CASE WHEN attempts > 1 THEN ref ELSE '' END, sent_at = NULL, updated_at = ?
         WHERE id = ? AND status = 'sending'`,
    ).run(now, sendId);
  }

  /** The run moment of this touch's first refused attempt (of the runs that recorded one). */
  firstFailedAt(sendId: number): number | undefined {
    const row = this.prepare(
      `SELECT min(r.at) AS at FROM delivery_attempts a JOIN runs r ON r.id = a.run_id WHERE a.send_id = ? AND a.ok = 0`,
    ).get(sendId) as { at: number | null } | undefined;
    return row?.at ?? undefined;
  }

  /** Touches due and waiting: planned or backing off, due at or before `now`. */
  waitingCount(now: number): number {
    return (
      this.prepare(`SELECT count(*) AS n FROM sends WHERE status IN ('planned', 'failed') AND planned_at <= ?`).get(now) as { n: number }
    ).n;
  }

  /** Touches backing off after temporary refusals, soonest retry first, with their first failure and last reply. */
  backingOff(): BackingOff[] {
    return this.prepare(BACKING_OFF_SQL).all() as BackingOff[];
  }

  attemptsOf(sendId: number): number {
    return (this.prepare('SELECT attempts FROM sends WHERE id = ?').get(sendId) as { attempts: number } | undefined)?.attempts ?? 0;
  }

  statusOf(sendId: number): { status: string; plannedAt: number | null } | undefined {
    return this.prepare('SELECT status, planned_at AS plannedAt FROM sends WHERE id = ?').get(sendId) as
      | { status: string; plannedAt: number | null }
      | undefined;
  }

  findId(enrollmentId: number, stepId: string): number | undefined {
    const row = this.prepare('SELECT id FROM sends WHERE enrollment_id = ? AND step_id = ?').get(
      enrollmentId,
      stepId,
    ) as { id: number } | undefined;
    return row?.id;
  }

  /** The claimed touch with this ref. (`ref <> ''` lets SQLite use the partial index and never matches a planned row.) */
  byRef(ref: string): { id: number; leadId: number; sentAt: number | null } | undefined {
    return this.prepare("SELECT id, lead_id AS leadId, sent_at AS sentAt FROM sends WHERE ref = ? AND ref <> ''").get(ref) as
      | { id: number; leadId: number; sentAt: number | null }
      | undefined;
  }

  /** Claimed but never confirmed: a run died between SMTP and the database. Reported, never resent blindly. */
  uncertain(): UncertainSend[] {
    return this.prepare(
      `SELECT s.id, s.lead_id AS leadId, s.ref, s.run_id AS runId, s.attempts, l.email, l.timezone, s.sequence_id AS sequenceId,
         s.step_id AS stepId, s.force, s.sent_at AS claimedAt
       FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.status = 'sending' ORDER BY s.id`,
    ).all() as UncertainSend[];
  }

  /**
   * Settles an uncertain row by hand, once the relay's logs say whether it went out: 'sent' keeps
   * it sent (at its claim time), 'retry' makes it due for the next run, 'skip' drops it.
   * 'not-uncertain': the row is not (or no longer) `sending`. 'moved-on': a retry could never
   * go out, since its enrolment ended or sent a later step since (runs count an uncertain touch
   * as done and go on).
   */
  resolveUncertain(sendId: number, outcome: UncertainOutcome, messageId: string, now: number): 'done' | 'not-uncertain' | 'moved-on' {
    if (outcome === 'retry' && this.prepare(MOVED_ON_SQL).get(sendId) !== undefined) return 'moved-on';
    const { sql, params } = resolveStatement(sendId, outcome, messageId, now);
    return this.prepare(sql).run(...params).changes === 1 ? 'done' : 'not-uncertain';
  }

  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn)();
  }
}

function groupBy<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}
