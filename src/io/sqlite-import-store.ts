import type { Stores } from '../run/context.js';
import { rescoreLeads } from '../run/rescore.js';
import type { ImportStore, ImportWrites } from './import-store.js';

/**
 * The import's writer over SQLite's synchronous stores: each call keeps its own transaction, as
 * before (SQLite's one writer needs no batch-wide lock), and only its result is wrapped.
 */
export function sqliteImportStore(stores: Stores): ImportStore {
  const writes: ImportWrites = {
    upsertLeads: (rows, now) => Promise.resolve(stores.leads.upsertBatch(rows, now)),
    idsByEmail: (emails) => Promise.resolve(stores.leads.idsByEmail(emails)),
    idsForEvents: (emails) => Promise.resolve(stores.leads.idsByEmail(emails)),
    suppress: (leadId, reason, at, evidence, now) => Promise.resolve(stores.leads.suppress(leadId, reason, at, evidence, now)),
    insertEvents: (rows, now) => Promise.resolve(rows.length === 0 ? 0 : stores.events.insertBatch(rows, now)),
    quarantine: (rows, now) => Promise.resolve(stores.events.quarantine.add(rows, now)),
    resolveQuarantine: (leads, now) => Promise.resolve(stores.events.quarantine.resolve(leads, now)),
  };
  return {
    batch: (fn) => fn(writes),
    rescore: (model, ids, now, cause) => Promise.resolve(rescoreLeads(stores, model, ids, now, cause)),
  };
}

/** The callers that still hand the import SQLite's stores (the webhook, tests) get this writer for them. */
export const importStoreOf = (s: Stores | ImportStore): ImportStore => ('batch' in s ? s : sqliteImportStore(s));
