import type pg from 'pg';
import { type EventTuple, groupByLead } from '../../db/events.js';
import { LEAD_COLUMNS, type RawLead, toLeadRow } from '../../db/leads.js';
import type { StoredEnrollment, StoredSend } from '../../db/outbox.js';
import { assembleLoadedLeads, type LoadedLead } from '../../run/loaded-leads.js';
import type { LeadBatch } from '../types.js';

/** Leads of the batch's range asleep at `dueBy` (an incremental tick reports them as runOnce does). */
export async function asleepInPg(client: pg.PoolClient, batch: LeadBatch, dueBy: number): Promise<number> {
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE id > $1 AND id <= $2 AND wake_at > $3', [
    batch.afterId,
    batch.lastId,
    dueBy,
  ]);
  return rows[0]!.n;
}

/**
 * A batch's leads with their events, enrolments and sends, read on the claim's connection. The
 * leads and events are read as tuples and decoded by the same functions as SQLite's rows
 * (toLeadRow, groupByLead), so both stores hand the planner identical values.
 */
export async function loadBatchPg(client: pg.PoolClient, batch: Pick<LeadBatch, 'afterId' | 'lastId'>, limit: number, dueBy?: number): Promise<LoadedLead[]> {
  // With `dueBy`, every due lead of the range, however many: the range was laid out before a lead
  // woke (a webhook's event), and a LIMIT would cut off its last one while the next range starts
  // after it (db/leads.ts dueInRange).
  const leads = (
    await client.query<RawLead>({
      text:
        dueBy === undefined
          ? `SELECT ${LEAD_COLUMNS} FROM leads WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3`
          : `SELECT ${LEAD_COLUMNS} FROM leads WHERE id > $1 AND id <= $2 AND wake_at <= $3 ORDER BY id`,
      values: [batch.afterId, batch.lastId, dueBy === undefined ? limit : dueBy],
      rowMode: 'array',
    })
  ).rows.map(toLeadRow);
  if (leads.length === 0) return [];
  // A full batch is one dense id range; an incremental one is a few leads spread over a wide one,
  // whose sleeping neighbours' rows are not read.
  const [where, range]: [string, unknown[]] =
    dueBy === undefined
      ? ['lead_id BETWEEN $1 AND $2', [leads[0]!.id, leads[leads.length - 1]!.id]]
      : ['lead_id = ANY($1::bigint[])', [leads.map((l) => l.id)]];
  // One after another: a client runs one query at a time.
  const events = await client.query<EventTuple>({
    text: `SELECT lead_id, type, occurred_at, url, properties FROM events WHERE ${where} AND signal <> 'machine' ORDER BY lead_id, occurred_at, id`,
    values: range,
    rowMode: 'array',
  });
  const enrollments = await client.query<StoredEnrollment>(
    `SELECT id, lead_id AS "leadId", sequence_id AS "sequenceId", status, enrolled_at AS "enrolledAt", ended_at AS "endedAt",
        reason AS "exitReason" FROM enrollments WHERE ${where} ORDER BY lead_id, enrolled_at, id`,
    range,
  );
  const sends = await client.query<StoredSend>(
    `SELECT id, lead_id AS "leadId", enrollment_id AS "enrollmentId", sequence_id AS "sequenceId", step_id AS "stepId",
        status, coalesce(sent_at, planned_at) AS at, attempts, planned_at AS "plannedAt", due_at AS "dueAt", reason, variant
       FROM sends WHERE ${where} ORDER BY lead_id, id`,
    range,
  );
  return assembleLoadedLeads(leads, groupByLead(events.rows), byLead(enrollments.rows), byLead(sends.rows));
}

function byLead<T extends { leadId: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    let list = out.get(r.leadId);
    if (!list) out.set(r.leadId, (list = []));
    list.push(r);
  }
  return out;
}
