import type pg from 'pg';
import { LEAD_COLUMNS, type RawLead, toLeadRow } from '../../db/leads.js';
import type { LeadState } from '../../domain/lead-plan.js';
import type { ReportReads } from '../../report/reads.js';
import { leadBatchesPg } from './forecast-reads.js';
import { messageCountsPg } from './report-counts.js';
import { leadsBehindPg, sendTimeArmCountsPg } from './report-leads.js';
import { conversionCandidatesPg, enrollmentCountsPg, holdoutsPg } from './report-queries.js';

/**
 * The report's reads on PostgreSQL, on one connection (run them in a snapshot: store/pg/snapshot.ts,
 * so every part of a report sees the same data while workers write).
 */
export function pgReportReads(db: pg.PoolClient): ReportReads {
  return {
    messageCounts: (by, from, to, segmentsOf) => messageCountsPg(db, by, from, to, segmentsOf),
    enrollmentCounts: (by, from, to) => enrollmentCountsPg(db, by, from, to),
    conversionCandidates: (goal, from, to) => conversionCandidatesPg(db, goal, from, to),
    holdouts: (goals, from, to) => holdoutsPg(db, goals, from, to),
    sendTimeArmCounts: (from, to) => sendTimeArmCountsPg(db, from, to),
    leadsBehind: (metric, filter, from, to) => leadsBehindPg(db, metric, filter, from, to),
    leadsByIds: (ids) => leadsByIdsPg(db, ids),
    leadStates: (batchSize) => leadStatesPg(db, batchSize),
  };
}

/** LeadStore.byIds on PostgreSQL: the leads found, in the order of `ids`. */
async function leadsByIdsPg(db: pg.PoolClient, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const { rows } = await db.query<RawLead>({ text: `SELECT ${LEAD_COLUMNS} FROM leads WHERE id = ANY($1::bigint[])`, values: [ids], rowMode: 'array' });
  const byId = new Map(rows.map((r) => [r[0], toLeadRow(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Every lead's planner state in id order, read a batch at a time (the next read while this one is used). */
async function* leadStatesPg(db: pg.PoolClient, batchSize: number): AsyncGenerator<LeadState[]> {
  for await (const batch of leadBatchesPg(db, { afterId: 0, lastId: Number.MAX_SAFE_INTEGER }, batchSize)) yield batch.map((l) => l.state);
}
