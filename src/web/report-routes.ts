import type { App } from '../app.js';
import { reportLeads } from '../report/leads-behind.js';
import { LEAD_METRICS, type LeadMetric, type RowFilter } from '../report/leads-types.js';
import { buildReport } from '../report/build.js';
import { reportPeriod } from '../report/period.js';
import type { Report } from '../report/types.js';
import { param } from './pages/layout.js';
import { reportPage, type ReportViews } from './pages/report.js';
import { reportLeadsPage } from './pages/report-leads.js';
import { html, type Router, text } from './router.js';

function views(app: App, from: number, to: number): ReportViews {
  const one = (by: 'sequence' | 'step' | 'force' | 'week'): Report => ({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...buildReport(app.conn.sqlite, { from, to, by, goals: app.workspace.config.goals }),
  });
  return { from, to, sequence: one('sequence'), step: one('step'), force: one('force'), week: one('week') };
}

/**
 * `/report`: the report page (the same period rules and the same queries as `nurture report`),
 * and `/report/leads`: the leads behind one of its numbers. Both behind the login, as every
 * route not listed public is (login/public-paths.ts).
 */
export function registerReportRoutes(router: Router, app: App): Router {
  router.get('/report', (request) => {
    const zone = app.workspace.policy.defaultZone;
    const period = reportPeriod({ from: param(request, 'from'), to: param(request, 'to') }, zone, app.clock.now());
    if (!period.ok) {
      const now = app.clock.now();
      return html(reportPage(app, views(app, now - 30 * 86_400_000, now), period.message), 400);
    }
    return html(reportPage(app, views(app, period.from, period.to)));
  });
  router.get('/report/leads', (request) => {
    const metric = param(request, 'metric') ?? '';
    if (!(LEAD_METRICS as readonly string[]).includes(metric)) return text(`metric: "${metric}" is not one of ${LEAD_METRICS.join(', ')}`, 400);
    const from = Date.parse(param(request, 'from') ?? '');
    const to = Date.parse(param(request, 'to') ?? '');
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) return text('from, to: expected two ISO 8601 instants, from before to', 400);
    const filter: RowFilter = { sequence: param(request, 'sequence'), step: param(request, 'step'), force: param(request, 'force'), week: param(request, 'week') };
    const page = Math.max(0, Math.min(Number(param(request, 'page') ?? 0) || 0, 1_000_000));
    const behind = reportLeads(app.conn.sqlite, { metric: metric as LeadMetric, filter, from, to, goals: app.workspace.config.goals });
    return html(reportLeadsPage(app, { metric: metric as LeadMetric, filter, from, to, page }, behind));
  });
  return router;
}
