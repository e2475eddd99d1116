import type { GoalFile } from '../workspace/reporting-schema.js';
import { attribute } from './attribution.js';
import { goalSpecs } from './build.js';
import type { LeadMetric, LeadsBehind, RowFilter } from './leads-types.js';
import type { ReportReads } from './reads.js';
import { weekOf } from './rows.js';
import type { Credit } from './types.js';

const creditMatches = (filter: RowFilter) => (c: Credit) =>
  (filter.sequence === undefined || c.sequence === filter.sequence) &&
  (filter.step === undefined || c.step === filter.step) &&
  (filter.force === undefined || c.force === filter.force) &&
  (filter.week === undefined || weekOf(c.sentAt) === filter.week);

/**
 * The leads behind one number of the report: the same cohort and the same definitions as
 * `nurture report` (for `converted`, the same attribution of each goal to the touches in its
 * window), so a count on the page and the length of the list it links to agree.
 */
export async function reportLeads(
  store: ReportReads,
  request: { metric: LeadMetric; filter: RowFilter; from: number; to: number; goals: readonly GoalFile[] },
): Promise<LeadsBehind> {
  const { metric, filter, from, to } = request;
  if (metric !== 'converted') return store.leadsBehind(metric, filter, from, to);
  const matches = creditMatches(filter);
  const leads = new Set<number>();
  let conversions = 0;
  for (const goal of goalSpecs(request.goals))
    for (const candidate of await store.conversionCandidates(goal, from, to))
      for (const credit of attribute(goal, candidate))
        if (credit.sentAt >= from && credit.sentAt < to && matches(credit)) {
          leads.add(credit.leadId);
          conversions++;
        }
  return { messages: conversions, leadIds: [...leads].sort((a, b) => a - b) };
}
