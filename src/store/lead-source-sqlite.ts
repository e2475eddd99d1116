import type { Database } from 'better-sqlite3';
import { type LeadFilter, LeadListReader } from '../db/lead-list.js';
import { PauseStore } from '../db/pauses.js';
import type { LeadRow } from '../db/leads.js';
import { leadBatches, planContext, type Stores } from '../run/context.js';
import { withAllocations } from '../run/experiment-state.js';
import type { Workspace } from '../workspace/load.js';
import type { LeadSource } from './lead-source-types.js';

/** The per-lead commands' reads and writes on SQLite: the synchronous stores, answered at once. */
export function sqliteLeadSource(sqlite: Database, stores: Stores): LeadSource {
  const scores = stores.leads.scores;
  return {
    findByEmail: async (email) => stores.leads.findByEmail(email),
    loaded: async (lead: LeadRow) => [...leadBatches(stores, 1, lead.id)][0]![0]!,
    async *loadedBatches(batchSize: number) {
      yield* leadBatches(stores, batchSize);
    },
    async *listPages(filter: LeadFilter, pageSize?: number) {
      yield* new LeadListReader(sqlite, filter).pages(pageSize);
    },
    suppression: async (leadId) => new LeadListReader(sqlite).suppression(leadId),
    zoneSourceOf: async (leadId) => stores.leads.zoneSourceOf(leadId),
    consentLog: async (leadId) => stores.leads.consentLog(leadId),
    machineSignals: async (leadId) => stores.events.machineSignals(leadId),
    entryReasons: async (leadId) => stores.outbox.entryReasons(leadId),
    scoreHistory: async (leadId) => scores.history(leadId),
    handoffOf: async (leadId) => scores.handoffOf(leadId),
    handoffs: async (since) => scores.handoffs(since),
    recordScores: async (rows, now, options) => scores.record(rows, now, options),
    pause: async (leadId, since, until) => new PauseStore(sqlite).pause(leadId, since, until),
    resume: async (leadId, now) => new PauseStore(sqlite).resume(leadId, now),
    planContext: async (workspace: Workspace, now) => planContext(withAllocations(sqlite, workspace, now), sqlite, now),
  };
}
