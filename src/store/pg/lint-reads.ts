import type pg from 'pg';
import type { LintLeadReads } from '../../lint/lead-reads.js';
import { emptyCountsPg } from './empty-fields.js';
import { leadBatchesPg } from './forecast-reads.js';
import { leadsByCountryPg } from './lead-page.js';

/** lint's lead reads on PostgreSQL, on one connection (run them in a snapshot: snapshot.ts inSnapshot). */
export function pgLintReads(db: pg.PoolClient): LintLeadReads {
  return {
    hasLeads: async () => (await db.query('SELECT 1 FROM leads LIMIT 1')).rows.length > 0,
    leadsByCountry: () => leadsByCountryPg(db),
    emptyCounts: (names) => emptyCountsPg(db, names),
    leadStates: (batchSize) => leadStatesPg(db, batchSize),
  };
}

async function* leadStatesPg(db: pg.PoolClient, batchSize: number) {
  for await (const batch of leadBatchesPg(db, { afterId: 0, lastId: Number.MAX_SAFE_INTEGER }, batchSize)) yield batch.map((l) => l.state);
}
