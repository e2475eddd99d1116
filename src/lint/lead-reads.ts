import type { EmptyCount } from '../db/empty-field-targets.js';
import type { LeadState } from '../domain/lead-plan.js';

/**
 * What `lint` reads of the leads, at command granularity: one implementation over SQLite
 * (db/lint-reads.ts, the synchronous queries wrapped) and one over PostgreSQL
 * (store/pg/lint-reads.ts). The checks themselves (lint/lead-checks.ts) are computed once from these.
 */
export interface LintLeadReads {
  /** Whether there is any lead at all (the audience counts are left out without). */
  hasLeads(): Promise<boolean>;
  /** Leads per stored country ('' for none), in byte order of the country. */
  leadsByCountry(): Promise<{ country: string; leads: number }[]>;
  /** Per known template value, how many of the current leads have it empty. */
  emptyCounts(names: readonly string[]): Promise<Map<string, EmptyCount>>;
  /** Every lead's planner state, in id order, a batch at a time. */
  leadStates(batchSize: number): Iterable<LeadState[]> | AsyncIterable<LeadState[]>;
}
