import { type App, isPgApp, type PgApp } from '../app.js';
import type { LeadSource } from '../store/lead-source-types.js';
import { sqliteLeadSource } from '../store/lead-source-sqlite.js';
import { pgLeadSource } from '../store/pg/lead-source.js';

/** The per-lead commands' database, whichever the workspace names. */
export function leadSourceOf(app: App | PgApp): LeadSource {
  return isPgApp(app) ? pgLeadSource(app.store.pool) : sqliteLeadSource(app.conn.sqlite, app.stores);
}
