import type pg from 'pg';
import { tickContext } from '../../run/tick-context.js';
import type { LeadSource } from '../lead-source-types.js';
import { forecastReadsPg } from './forecast-reads.js';
import { consentLogPg, entryReasonsPg, findByEmailPg, loadedBatchesPg, loadLeadPg, machineSignalsPg, suppressionPg, zoneSourcePg } from './lead-reads.js';
import { listPagesPg } from './lead-list.js';
import { pausePg, resumePg } from './pauses.js';
import { recordScoresPg } from './scores.js';
import { handoffOfPg, handoffsPg, scoreHistoryPg } from './score-reads.js';
import { inTransaction } from './transaction.js';

/** The per-lead commands' reads and writes on PostgreSQL (lead-source-types.ts). */
export function pgLeadSource(pool: pg.Pool): LeadSource {
  return {
    findByEmail: (email) => findByEmailPg(pool, email),
    async loaded(lead) {
      const loaded = await loadLeadPg(pool, lead.id);
      if (!loaded) throw new Error(`lead ${lead.id} (${lead.email}) vanished while it was read`);
      return loaded;
    },
    loadedBatches: (batchSize) => loadedBatchesPg(pool, batchSize),
    listPages: (filter, pageSize) => listPagesPg(pool, filter, pageSize),
    suppression: (leadId) => suppressionPg(pool, leadId),
    zoneSourceOf: (leadId) => zoneSourcePg(pool, leadId),
    consentLog: (leadId) => consentLogPg(pool, leadId),
    machineSignals: (leadId) => machineSignalsPg(pool, leadId),
    entryReasons: (leadId) => entryReasonsPg(pool, leadId),
    scoreHistory: (leadId) => scoreHistoryPg(pool, leadId),
    handoffOf: (leadId) => handoffOfPg(pool, leadId),
    handoffs: (since) => handoffsPg(pool, since),
    // One transaction, as ScoreStore.record: a worker's tick scoring the same leads meanwhile
    // writes the same decisions, and a handoff is kept once (ON CONFLICT).
    recordScores: (rows, now, options) => inTransaction(pool, (client) => recordScoresPg(client, rows, now, options)),
    pause: (leadId, since, until) => pausePg(pool, leadId, since, until),
    resume: (leadId, now) => resumePg(pool, leadId, now),
    planContext: async (workspace, now) => (await tickContext(forecastReadsPg(pool), workspace, now)).ctx,
  };
}
