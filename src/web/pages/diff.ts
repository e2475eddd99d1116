import type { App } from '../../app.js';
import type { PlanDiff } from '../../run/diff.js';
import { leadRef } from '../../run/lead-ref.js';
import { escapeHtml } from '../router.js';
import { everyDay, volumeChart } from './chart.js';
import { layout, tableHtml } from './layout.js';

const e = escapeHtml;
const ROWS_PER_PAGE = 100;

export function diffForm(base = '', days = 14): string {
  return `<form method="get" action="/diff"><label>Base workspace (a directory or a git ref) <input name="base" value="${e(base)}" placeholder="HEAD~1"></label>
<label>Days <input name="days" type="number" min="1" max="365" value="${days}"></label> <button type="submit">Compare</button></form>`;
}

/** The plan diff: leads whose calendars change, touches added/removed/moved, daily volume before and after. */
export function diffPage(app: App, base: string, days: number, diff: PlanDiff | null, error: string | null, page: number): string {
  if (!diff) {
    const note = error ? `<p class="removed">${e(error)}</p>` : '<p>Compare the forecast of the current workspace with another version of it, on the same database.</p>';
    return layout(app, 'Plan diff', diffForm(base, days) + note);
  }
  const lead = (email: string) => `<a href="/leads/${leadRef(app.secret, email)}">${e(email)}</a>`;
  const rows = [
    ...diff.added.map((i) => ['<span class="added">added</span>', lead(i.lead), e(`${i.sequence}/${i.step}`), '', e(i.at)]),
    ...diff.removed.map((i) => ['<span class="removed">removed</span>', lead(i.lead), e(`${i.sequence}/${i.step}`), e(i.at), '']),
    ...diff.moved.map((m) => ['<span class="moved">moved</span>', lead(m.lead), e(`${m.sequence}/${m.step}`), e(m.before), e(m.after)]),
  ];
  const pages = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
  const link = (p: number, label: string) =>
    `<a href="/diff?base=${encodeURIComponent(base)}&days=${days}&page=${p}">${label}</a>`;
  const days_ = everyDay(diff.volume.map((v) => v.day));
  const byDay = new Map(diff.volume.map((v) => [v.day, v]));
  const body = `${diffForm(base, days)}
<p class="summary"><strong id="leads-changed">${diff.leadsChanged.length}</strong> leads with a changed calendar:
${diff.added.length} touches added, ${diff.removed.length} removed, ${diff.moved.length} moved, ${diff.unchanged} unchanged (from ${e(diff.from)} to ${e(diff.to)}).</p>
${volumeChart(days_, [
  { name: `before (${base})`, className: 'bar-before', values: days_.map((d) => byDay.get(d)?.before ?? 0) },
  { name: 'after (current)', className: 'bar-now', values: days_.map((d) => byDay.get(d)?.after ?? 0) },
])}
<h2>Changed touches</h2>${tableHtml(['change', 'lead', 'touch', 'before', 'after'], rows.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE))}
<p>page ${page + 1} of ${pages} ${page > 0 ? link(page - 1, 'previous') : ''} ${page + 1 < pages ? link(page + 1, 'next') : ''}</p>`;
  return layout(app, 'Plan diff', body);
}
