import { type App, isPgApp, type PgApp } from '../app.js';
import { sqliteReportReads } from '../db/report-reads.js';
import { pgReportReads } from '../store/pg/report-reads.js';
import { inSnapshot } from '../store/pg/snapshot.js';
import type { ReportReads } from './reads.js';

/** Runs `fn` with the report's reads on the app's database (on PostgreSQL, inside one read-only snapshot). */
export function withReportReads<T>(app: App | PgApp, fn: (reads: ReportReads) => Promise<T>): Promise<T> {
  if (isPgApp(app)) return inSnapshot(app.store.pool, (client) => fn(pgReportReads(client)));
  return fn(sqliteReportReads(app.conn.sqlite));
}
