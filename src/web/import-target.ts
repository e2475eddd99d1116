import { type App, isPgApp, type PgApp } from '../app.js';
import type { Stores } from '../run/context.js';

/**
 * Where the webhooks' events are imported (io/import.ts importEventRecords), or undefined while
 * event imports do not write PostgreSQL: the webhooks then answer 503, which every provider retries.
 */
export function importTargetOf(app: App | PgApp): Stores | undefined {
  return isPgApp(app) ? undefined : app.stores;
}

export const NOT_ON_POSTGRES = 'events cannot be stored in PostgreSQL by this version yet; the provider will retry';
