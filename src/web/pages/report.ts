import type { App } from '../../app.js';
import type { LeadMetric, RowFilter } from '../../report/leads-types.js';
import type { Rate, Report, ReportRow } from '../../report/types.js';
import { escapeHtml } from '../router.js';
import { colourOf, sequenceColours, swatch } from './colours.js';
import { layout, tableHtml } from './layout.js';
import { forceChart, funnelChart, weekChart, weekLabel } from './report-charts.js';

const e = escapeHtml;

/** The four groupings the page shows, each as `nurture report --by X --json` gives it. */
export interface ReportViews {
  from: number;
  to: number;
  sequence: Report;
  step: Report;
  force: Report;
  week: Report;
}

const COLUMNS: { metric: LeadMetric; header: string; rate?: (r: ReportRow) => Rate }[] = [
  { metric: 'sent', header: 'sent (messages)' },
  { metric: 'delivered', header: 'delivered (messages)' },
  { metric: 'opened', header: 'opened (all)' },
  { metric: 'humanOpened', header: 'opened by a person', rate: (r) => r.rates.humanOpen },
  { metric: 'clicked', header: 'clicked (all)' },
  { metric: 'humanClicked', header: 'clicked by a person', rate: (r) => r.rates.humanClick },
  { metric: 'unsubscribed', header: 'unsubscribed' },
  { metric: 'converted', header: 'converted', rate: (r) => r.rates.conversion },
];

export const filterOfRow = (r: ReportRow): RowFilter => ({ sequence: r.sequence, step: r.step, force: r.force, week: r.week });

/** The URL of the leads behind one number: the metric, the row's keys and the exact period. */
export function leadsHref(metric: LeadMetric, filter: RowFilter, from: number, to: number): string {
  const q = new URLSearchParams({ metric });
  for (const k of ['sequence', 'step', 'force', 'week'] as const) if (filter[k] !== undefined) q.set(k, filter[k]);
  q.set('from', new Date(from).toISOString());
  q.set('to', new Date(to).toISOString());
  return `/report/leads?${q}`;
}

const pct = (r: Rate) => (r.rate === null ? '' : ` <span class="rate" title="Wilson 95%: ${((r.low ?? 0) * 100).toFixed(1)}–${((r.high ?? 0) * 100).toFixed(1)}%, of ${r.denominator}">${(r.rate * 100).toFixed(1)}%</span>`);

function numberCells(r: ReportRow, rowKey: string, views: ReportViews): string[] {
  const filter = filterOfRow(r);
  return COLUMNS.map((c) => {
    const n = r[c.metric] as number;
    const link = n > 0 ? `<a class="n" data-metric="${c.metric}" data-row="${e(rowKey)}" href="${e(leadsHref(c.metric, filter, views.from, views.to))}">${n}</a>` : `<span class="n" data-metric="${c.metric}" data-row="${e(rowKey)}">0</span>`;
    return `${link}${c.rate ? pct(c.rate(r)) : ''}`;
  });
}

const rowKeyOf = (by: string, r: ReportRow | null) =>
  r === null ? 'total' : by === 'step' ? `${r.sequence}/${r.step}` : `${(r as unknown as Record<string, string>)[by]}`;

function reportTable(by: 'sequence' | 'step' | 'force' | 'week', report: Report, views: ReportViews, label: (r: ReportRow) => string[], keyHeaders: string[], extra?: { header: string; cell: (r: ReportRow) => string }): string {
  const rows = report.rows.filter((r) => r.sent > 0 || r.converted > 0);
  const body = [
    ...rows.map((r) => [...label(r), ...numberCells(r, rowKeyOf(by, r), views), ...(extra ? [extra.cell(r)] : [])]),
    [...keyHeaders.map((_, i) => (i === 0 ? '<strong>all</strong>' : '')), ...numberCells(report.totals, 'total', views), ...(extra ? [''] : [])],
  ];
  return tableHtml([...keyHeaders, ...COLUMNS.map((c) => c.header), ...(extra ? [extra.header] : [])], body, `report-table by-${by}`);
}

const lift = (r: ReportRow) =>
  r.holdout?.lift === undefined || r.holdout.lift === null
    ? ''
    : `${r.holdout.lift >= 0 ? '+' : ''}${(r.holdout.lift * 100).toFixed(1)} pts (${((r.holdout.low ?? 0) * 100).toFixed(1)} to ${((r.holdout.high ?? 0) * 100).toFixed(1)}), ${r.holdout.heldOut} held out`;

function periodForm(views: ReportViews): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `<form method="get" action="/report" class="period"><label>From <input name="from" type="date" value="${day(views.from)}"></label>
<label>To (inclusive) <input name="to" type="date" value="${day(views.to - 1)}"></label> <button type="submit">Show</button></form>`;
}

/**
 * The report page: what `nurture report` prints, by sequence, step, force and week, with a chart
 * for each, every number a link to the leads behind it. Server-rendered SVG, no script.
 */
export function reportPage(app: Pick<App, 'workspace'>, views: ReportViews, error?: string): string {
  const colours = sequenceColours(app.workspace.sequences.map((s) => s.id));
  const colour = (id: string) => colourOf(colours, id);
  const seqName = (id: string) => `${swatch(colour(id))} <a href="/sequences/${encodeURIComponent(id)}">${e(id)}</a>`;
  const t = views.sequence.totals;
  const summary = `<p class="summary" id="report-summary">${t.sent.toLocaleString('en-US')} messages to ${t.leads.toLocaleString('en-US')} leads
from ${e(new Date(views.from).toISOString().slice(0, 16).replace('T', ' '))} to ${e(new Date(views.to).toISOString().slice(0, 16).replace('T', ' '))} UTC:
${t.humanOpened} leads opened one as a person (${t.machineOnlyOpened} more only by a machine: Apple Mail Privacy Protection, gateways), ${t.humanClicked} clicked as a person, ${t.converted} converted${
    views.sequence.goals.length ? ` (goals: ${views.sequence.goals.map(e).join(', ')})` : ' (no goals in nurture.yaml)'
  }. Opens and clicks are unique leads; every number links to the leads behind it.</p>`;
  const body = `${periodForm(views)}${error ? `<p class="removed">${e(error)}</p>` : ''}${summary}
<section id="funnel"><h2>Funnel per sequence and step</h2>
${funnelChart(views.sequence.rows.filter((r) => r.leads > 0), colour)}
${reportTable('sequence', views.sequence, views, (r) => [seqName(r.sequence!)], ['sequence'], { header: 'lift over holdout (goal rate)', cell: lift })}
${reportTable('step', views.step, views, (r) => [seqName(r.sequence!), e(r.step!), e(r.force!)], ['sequence', 'step', 'force'])}</section>
<section id="forces"><h2>Forces side by side</h2>${forceChart(views.force.rows.filter((r) => r.sent > 0))}
${reportTable('force', views.force, views, (r) => [e(r.force!)], ['force'])}</section>
<section id="weeks"><h2>Trends by week</h2>${weekChart(views.week.rows.filter((r) => r.sent > 0))}
${reportTable('week', views.week, views, (r) => [`week of ${e(weekLabel(r.week!))}`], ['week'])}</section>
<p class="summary">The same numbers as <code>nurture report --by sequence|step|force|week --json</code> over this period. Rates are of unique leads delivered to (conversion: of leads reached), hover a rate for its Wilson 95% interval and denominator.</p>`;
  return layout(app, 'What works', body);
}
