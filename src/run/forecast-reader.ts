import type pg from 'pg';
import type { Connection } from '../db/connection.js';
import { LeadStore } from '../db/leads.js';
import { pgForecastReader } from './forecast-pg.js';
import { forecastInThreads, forecastShares } from './forecast-threads.js';
import type { ForecastReader } from './forecast-reader-type.js';

export type { ForecastReader };

export function sqliteForecastReader(conn: Connection): ForecastReader {
  const leads = new LeadStore(conn.sqlite);
  return {
    hasLead: (email) => Promise.resolve(leads.findByEmail(email) !== undefined),
    leadCount: () => Promise.resolve(leads.count()),
    forecast: (workspace, options) => forecastInThreads(conn, workspace, options),
    shares: (workspace, request, threads) => forecastShares(conn, workspace, request, threads),
  };
}

/** The reader of an app's database: SQLite's `conn`, or PostgreSQL's store pool. */
export function forecastReader(app: { conn: Connection } | { store: { pool: pg.Pool } }): ForecastReader {
  return 'conn' in app ? sqliteForecastReader(app.conn) : pgForecastReader(app.store.pool);
}
