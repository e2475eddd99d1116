import type { LeadRow } from '../db/leads.js';
import type { LeadState } from '../domain/lead-plan.js';
import type { LeadMetric, LeadsBehind, RowFilter } from './leads-types.js';
import type { SendTimeArmCounts } from './send-time-types.js';
import type { ConversionCandidate, GoalSpec, GroupCounts, GroupedCounts, HoldoutCounts, ReportKey } from './types.js';

/**
 * What the report reads from a database, at command granularity: one implementation over
 * SQLite (db/report-reads.ts, the synchronous queries wrapped) and one over PostgreSQL
 * (store/pg/report-reads.ts). The report itself (report/build.ts, the fold, attribution, the
 * rates) is computed once from these, whichever store answered.
 */
export interface ReportReads {
  /** The cohort's message counts, folded a lead at a time (report/count-fold.ts). */
  messageCounts(by: ReportKey, from: number, to: number, segmentsOf?: (leadId: number) => readonly string[]): Promise<{ rows: GroupedCounts[]; totals: GroupCounts }>;
  /** Enrolments (holdouts excluded) started and sunsets ended in [from, to), by sequence or week. */
  enrollmentCounts(by: 'sequence' | 'week', from: number, to: number): Promise<Map<string, { enrolled: number; sunset: number }>>;
  /** Goal events in [from, to + within) with the touches sent to the lead in the window before each. */
  conversionCandidates(goal: GoalSpec, from: number, to: number): Promise<ConversionCandidate[]>;
  /** Per sequence, leads enrolled and held out in [from, to), and how many of each reached a goal. */
  holdouts(goals: readonly GoalSpec[], from: number, to: number): Promise<HoldoutCounts[]>;
  /** Messages placed by send-time optimisation and sent in [from, to), by arm. */
  sendTimeArmCounts(from: number, to: number): Promise<SendTimeArmCounts[]>;
  /** The leads behind one count of a report row (every metric but `converted`). */
  leadsBehind(metric: Exclude<LeadMetric, 'converted'>, filter: RowFilter, from: number, to: number): Promise<LeadsBehind>;
  /** Leads by id (those found, in the order asked): the report page's lead lists. */
  leadsByIds(ids: readonly number[]): Promise<LeadRow[]>;
  /** Every lead's planner state, in id order, a batch at a time: what segment conditions read. */
  leadStates(batchSize: number): Iterable<LeadState[]> | AsyncIterable<LeadState[]>;
}
