import type { Database } from 'better-sqlite3';
import type { LintLeadReads } from '../lint/lead-reads.js';
import { leadStateBatches } from '../run/context.js';
import { leadsByCountry } from './country-counts.js';
import { emptyCounts } from './empty-fields.js';
import { LeadStore } from './leads.js';

/** lint's lead reads on SQLite: the synchronous queries as they are, each answer wrapped in a settled promise. */
export function sqliteLintReads(sqlite: Database): LintLeadReads {
  return {
    hasLeads: () => Promise.resolve(sqlite.prepare('SELECT 1 FROM leads LIMIT 1').get() !== undefined),
    leadsByCountry: () => Promise.resolve(leadsByCountry(sqlite)),
    emptyCounts: (names) => Promise.resolve(emptyCounts(sqlite, names)),
    leadStates: (batchSize) => leadStateBatches(sqlite, new LeadStore(sqlite), batchSize),
  };
}
