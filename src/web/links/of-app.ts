import { type App, isPgApp, type PgApp } from '../../app.js';
import { PgLinkEvents } from '../../store/pg/link-events.js';
import { sqliteLinkEvents } from './sqlite.js';
import type { LinkEvents } from '../../store/link-types.js';

/** The link endpoints' store for whichever database the app opened. */
export function linkEventsOf(app: App | PgApp): LinkEvents {
  return isPgApp(app) ? new PgLinkEvents(app.store.pool) : sqliteLinkEvents(app);
}
