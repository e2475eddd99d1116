import { inCauseOrder } from '../domain/why-no-mail.js';
import type { RunReport } from './run.js';

/** The report's totals once a run (or a worker's share of a tick) is done sending. */
export function settleTotals(report: RunReport): void {
  report.counts.sent = report.sent.length;
  report.counts.skipped = report.skipped.length;
  report.counts.failed = report.failed.length;
  report.idle = inCauseOrder(report.idle);
}
