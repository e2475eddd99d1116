import { type App, isPgApp, type PgApp } from '../app.js';
import type { ImportStore } from '../io/import-store.js';
import type { Stores } from '../run/context.js';
import { pgImportStore } from '../store/pg/import-store.js';

/**
 * Where the webhooks' events are imported (io/import.ts importEventRecords, the path of `events
 * import`): SQLite's stores, or PostgreSQL's import store (a batch per transaction, retried on a
 * deadlock with a tick).
 */
export function importTargetOf(app: App | PgApp): Stores | ImportStore {
  return isPgApp(app) ? pgImportStore(app.store.pool) : app.stores;
}
