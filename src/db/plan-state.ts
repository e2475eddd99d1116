import type { Database, Statement } from 'better-sqlite3';
import type { EnrollmentState, EnrollmentStatus, SendRecord, SendStatus } from '../domain/lead-plan.js';

type EnrollmentTuple = [number, string, EnrollmentStatus, number, number | null, string];
type SendTuple = [number, string, string, SendStatus, number];

/**
 * The enrolments and sends of a range of leads with only the columns the planner reads, as raw
 * rows: the forecast reads every lead's history, and named rows with the outbox's bookkeeping
 * columns (refs, attempts, reasons) cost it more than the planning did.
 */
export class PlanStateReader {
  private readonly enrollments: Statement;
  private readonly sends: Statement;

  constructor(sqlite: Database) {
    this.enrollments = sqlite
      .prepare(
        `SELECT lead_id, sequence_id, status, enrolled_at, ended_at, reason FROM enrollments
          WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, enrolled_at, id`,
      )
      .raw();
    this.sends = sqlite
      .prepare(
        `SELECT lead_id, sequence_id, step_id, status, coalesce(sent_at, planned_at) FROM sends
          WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, id`,
      )
      .raw();
  }

  enrollmentsForLeadRange(fromId: number, toId: number): Map<number, EnrollmentState[]> {
    const out = new Map<number, EnrollmentState[]>();
    for (const [leadId, sequenceId, status, enrolledAt, endedAt, exitReason] of this.enrollments.all(fromId, toId) as EnrollmentTuple[])
      listOf(out, leadId).push({ sequenceId, status, enrolledAt, endedAt, exitReason });
    return out;
  }

  sendsForLeadRange(fromId: number, toId: number): Map<number, SendRecord[]> {
    const out = new Map<number, SendRecord[]>();
    for (const [leadId, sequenceId, stepId, status, at] of this.sends.all(fromId, toId) as SendTuple[])
      listOf(out, leadId).push({ sequenceId, stepId, status, at });
    return out;
  }
}

function listOf<T>(map: Map<number, T[]>, key: number): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
