import type { App, PgApp } from '../app.js';
import { withReportReads } from '../report/app-reads.js';
import type { ReportReads } from '../report/reads.js';
import { reportLeads } from '../report/leads-behind.js';
import { LEAD_METRICS, type LeadMetric, type RowFilter } from '../report/leads-types.js';
import { buildReport } from '../report/build.js';
import { reportPeriod } from '../report/period.js';
import type { Report } from '../report/types.js';
import { param } from './pages/layout.js';
import { reportPage, type ReportViews } from './pages/report.js';
import { pageOfIds, reportLeadsPage } from './pages/report-leads.js';
import { html, type Router, text } from './router.js';

/** The page's four groupings, one after another on one connection (a snapshot on PostgreSQL). */
async function views(app: App | PgApp, from: number, to: number): Promise<ReportViews> {
  return withReportReads(app, async (reads: ReportReads) => {
    const one = async (by: 'sequence' | 'step' | 'force' | 'week'): Promise<Report> => ({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...(await buildReport(reads, { from, to, by, goals: app.workspace.config.goals })),
    });
    return { from, to, sequence: await one('sequence'), step: await one('step'), force: await one('force'), week: await one('week') };
  });
}

/**
 * `/report`: the report page (the same period rules and the same queries as `nurture report`),
 * and `/report/leads`: the leads behind one of its numbers. Both behind the login, as every
 * route not listed public is (login/public-paths.ts).
 */
export function registerReportRoutes(router: Router, app: App | PgApp): Router {
  router.get('/report', async (request) => {
    const zone = app.workspace.policy.defaultZone;
    const period = reportPeriod({ from: param(request, 'from'), to: param(request, 'to') }, zone, app.clock.now());
    if (!period.ok) {
      const now = app.clock.now();
      return html(reportPage(app, await views(app, now - 30 * 86_400_000, now), period.message), 400);
    }
    return html(reportPage(app, await views(app, period.from, period.to)));
  });
  router.get('/report/leads', async (request) => {
    const metric = param(request, 'metric') ?? '';
    if (!(LEAD_METRICS as readonly string[]).includes(metric)) return text(`metric: "${metric}" is not one of ${LEAD_METRICS.join(', ')}`, 400);
    const from = Date.parse(param(request, 'from') ?? '');
    const to = Date.parse(param(request, 'to') ?? '');
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) return text('from, to: expected two ISO 8601 instants, from before to', 400);
    const filter: RowFilter = { sequence: param(request, 'sequence'), step: param(request, 'step'), force: param(request, 'force'), week: param(request, 'week') };
    const page = Math.max(0, Math.min(Number(param(request, 'page') ?? 0) || 0, 1_000_000));
    const { behind, leads } = await withReportReads(app, async (reads) => {
      const behind = await reportLeads(reads, { metric: metric as LeadMetric, filter, from, to, goals: app.workspace.config.goals });
      return { behind, leads: await reads.leadsByIds(pageOfIds(behind, page)) };
    });
    return html(reportLeadsPage(app, { metric: metric as LeadMetric, filter, from, to, page }, behind, leads));
  });
  return router;
}
