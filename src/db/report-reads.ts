import type { Database } from 'better-sqlite3';
import type { ReportReads } from '../report/reads.js';
import { leadStateBatches } from '../run/context.js';
import { LeadStore } from './leads.js';
import { leadsBehind } from './report-leads.js';
import { ReportStore } from './report-queries.js';
import { sendTimeArmCounts } from './send-time-report.js';

/**
 * The report's reads on SQLite: the synchronous queries as they are, each answer wrapped in a
 * settled promise (the interface sits at command granularity, so SQLite's hot loops stay synchronous).
 */
export function sqliteReportReads(sqlite: Database): ReportReads {
  const store = new ReportStore(sqlite);
  const leads = new LeadStore(sqlite);
  return {
    messageCounts: (by, from, to, segmentsOf) => Promise.resolve(store.messageCounts(by, from, to, segmentsOf)),
    enrollmentCounts: (by, from, to) => Promise.resolve(store.enrollmentCounts(by, from, to)),
    conversionCandidates: (goal, from, to) => Promise.resolve(store.conversionCandidates(goal, from, to)),
    holdouts: (goals, from, to) => Promise.resolve(store.holdouts(goals, from, to)),
    sendTimeArmCounts: (from, to) => Promise.resolve(sendTimeArmCounts(sqlite, from, to)),
    leadsBehind: (metric, filter, from, to) => Promise.resolve(leadsBehind(sqlite, metric, filter, from, to)),
    leadsByIds: (ids) => Promise.resolve(leads.byIds(ids)),
    leadStates: (batchSize) => leadStateBatches(sqlite, leads, batchSize),
  };
}
