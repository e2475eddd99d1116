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
    // One transaction, as ScoreStore.record, with the leads' rows locked first: a second `score`
    // on another host waits, then reads the scores this one saved, so it adds no history row twice;
    // a handoff is kept once (ON CONFLICT).
    recordScores: (rows, now, options) =>
      inTransaction(pool, async (client) => {
        await client.query('SELECT 1 FROM leads WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [rows.map((r) => r.id)]);
        return recordScoresPg(client, rows, now, options);
      }),
    pause: (leadId, since, until) => pausePg(pool, leadId, since, until),
    resume: (leadId, now) => resumePg(pool, leadId, now),
    planContext: async (workspace, now) => (await tickContext(forecastReadsPg(pool), workspace, now)).ctx,
  };
}
