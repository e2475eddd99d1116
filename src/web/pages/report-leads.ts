import type { App } from '../../app.js';
import type { LeadRow } from '../../db/leads.js';
import type { LeadMetric, LeadsBehind, RowFilter } from '../../report/leads-types.js';
import { leadRef } from '../../run/lead-ref.js';
import { escapeHtml } from '../router.js';
import { layout, tableHtml } from './layout.js';
import { leadsHref } from './report.js';
import { weekLabel } from './report-charts.js';

const e = escapeHtml;
export const LEADS_PER_PAGE = 100;

const WHAT: Record<LeadMetric, [string, string]> = {
  sent: ['messages sent', 'leads they went to'],
  delivered: ['messages delivered', 'leads delivered to'],
  bounced: ['messages bounced', 'leads they bounced for'],
  opened: ['messages opened (people or machines)', 'leads who opened'],
  humanOpened: ['messages opened by a person', 'leads who opened as a person'],
  clicked: ['messages clicked (people or scanners)', 'leads who clicked'],
  humanClicked: ['messages clicked by a person', 'leads who clicked as a person'],
  unsubscribed: ['messages unsubscribed from', 'leads who unsubscribed'],
  complained: ['messages complained about', 'leads who complained'],
  converted: ['conversions credited', 'leads who converted'],
};

function rowLabel(filter: RowFilter): string {
  const parts = [
    filter.sequence && `sequence ${filter.sequence}`,
    filter.step && `step ${filter.step}`,
    filter.force && `force ${filter.force}`,
    filter.week && `week of ${weekLabel(filter.week)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all sequences';
}

/** The ids of the leads a page of the list shows. */
export const pageOfIds = (behind: LeadsBehind, page: number): number[] => behind.leadIds.slice(page * LEADS_PER_PAGE, (page + 1) * LEADS_PER_PAGE);

/** The leads behind one number of the report page, a page at a time (`leads`: pageOfIds' rows), each linked to its lead page. */
export function reportLeadsPage(
  app: Pick<App, 'workspace' | 'secret'>,
  request: { metric: LeadMetric; filter: RowFilter; from: number; to: number; page: number },
  behind: LeadsBehind,
  leads: readonly LeadRow[],
): string {
  const { metric, filter, from, to, page } = request;
  const [messages, people] = WHAT[metric];
  const pages = Math.max(1, Math.ceil(behind.leadIds.length / LEADS_PER_PAGE));
  const link = (p: number, label: string) => `<a href="${e(`${leadsHref(metric, filter, from, to)}&page=${p}`)}">${label}</a>`;
  const body = `<p class="summary" id="leads-summary"><strong id="lead-count">${behind.leadIds.length}</strong> ${people} — ${behind.messages} ${messages} — in ${e(rowLabel(filter))},
${e(new Date(from).toISOString().slice(0, 16).replace('T', ' '))} to ${e(new Date(to).toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>
${tableHtml(
  ['lead', 'name', 'company', 'job title'],
  leads.map((l) => [`<a href="/leads/${leadRef(app.secret, l.email)}">${e(l.email)}</a>`, e(`${l.firstName} ${l.lastName}`.trim()), e(l.company), e(l.jobTitle)]),
  'report-leads',
)}
<p>page ${page + 1} of ${pages} ${page > 0 ? link(page - 1, 'previous') : ''} ${page + 1 < pages ? link(page + 1, 'next') : ''} · <a href="/report?from=${e(new Date(from).toISOString())}&amp;to=${e(new Date(to).toISOString())}">back to the report</a></p>`;
  return layout(app, `Leads: ${people}`, body);
}
