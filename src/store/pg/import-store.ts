import type pg from 'pg';
import type { ImportStore, ImportWrites } from '../../io/import-store.js';
import { insertEventsPg } from './event-insert.js';
import { ConcurrentInsertError, idsByEmailPg, idsForEventsPg, suppressPg, upsertLeadsPg } from './lead-upsert.js';
import { quarantinePg, resolveQuarantinePg } from './quarantine.js';
import { rescoreLeadsPg } from './rescore.js';
import { inTransaction } from './transaction.js';

/** How many times a batch the server aborted (a deadlock with a tick, a lost insert race) is tried again. */
const ATTEMPTS = 5;

/** deadlock_detected, serialization_failure: the transaction did nothing and may simply be run again. */
const RETRYABLE = new Set(['40P01', '40001']);

const retryable = (error: unknown) =>
  error instanceof ConcurrentInsertError || RETRYABLE.has((error as { code?: string } | null)?.code ?? '');

/** One transaction, run again from the start when the server aborted it for a reason that a retry cures. */
async function retried<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(pool, fn);
    } catch (error) {
      if (attempt >= ATTEMPTS || !retryable(error)) throw error;
    }
  }
}

const writesOn = (client: pg.PoolClient): ImportWrites => ({
  upsertLeads: (rows, now) => upsertLeadsPg(client, rows, now),
  idsByEmail: (emails) => idsByEmailPg(client, emails),
  idsForEvents: (emails) => idsForEventsPg(client, emails),
  suppress: (leadId, reason, at, evidence, now) => suppressPg(client, leadId, reason, at, evidence, now),
  insertEvents: (rows, now) => insertEventsPg(client, rows, now),
  quarantine: (rows, now) => quarantinePg(client, rows, now),
  resolveQuarantine: (leads, now) => resolveQuarantinePg(client, leads, now),
});

/**
 * The import's writer on PostgreSQL: each batch one transaction on one pooled connection, so an
 * import running while workers tick is seen by them batch by batch; the input triggers
 * (migrations/pg/0002) wake the leads it changed.
 */
export function pgImportStore(pool: pg.Pool): ImportStore {
  return {
    batch: (fn) => retried(pool, (client) => fn(writesOn(client))),
    rescore: (model, ids, now, cause) => rescoreLeadsPg((fn) => retried(pool, fn), model, ids, now, cause),
  };
}
