import type { App } from '../../app.js';
import type { PlanDiff } from '../../run/diff.js';
import { leadRef } from '../../run/lead-ref.js';
import { escapeHtml } from '../router.js';
import { everyDay, volumeChart } from './chart.js';
import { colourOf, sequenceColours, swatch } from './colours.js';
import { layout, tableHtml } from './layout.js';
import { localTime, timeHtml } from './local-time.js';

const e = escapeHtml;
const ROWS_PER_PAGE = 100;

export function diffForm(base = '', days = 14): string {
  return `<form method="get" action="/diff"><label>Base workspace (a directory or a git ref) <input name="base" value="${e(base)}" placeholder="HEAD~1"></label>
<label>Days <input name="days" type="number" min="1" max="365" value="${days}"></label> <button type="submit">Compare</button></form>`;
}

/** The plan diff: leads whose calendars change, touches added/removed/moved, daily volume before and after. */
export function diffPage(app: Pick<App, 'workspace' | 'secret'>, base: string, days: number, diff: PlanDiff | null, error: string | null, page: number): string {
  if (!diff) {
    const note = error ? `<p class="removed">${e(error)}</p>` : '<p>Compare the forecast of the current workspace with another version of it, on the same database.</p>';
    return layout(app, 'Plan diff', diffForm(base, days) + note);
  }
  const lead = (email: string) => `<a href="/leads/${leadRef(app.secret, email)}">${e(email)}</a>`;
  const colours = sequenceColours(app.workspace.sequences.map((s) => s.id));
  const touch = (i: { sequence: string; step: string }) => `${swatch(colourOf(colours, i.sequence))} ${e(`${i.sequence}/${i.step}`)}`;
  const at = (iso: string, zone: string | undefined) => (zone ? timeHtml(iso, zone) : e(iso));
  const rows = [
    ...diff.added.map((i) => ['<span class="added">added</span>', lead(i.lead), touch(i), '', at(i.at, i.zone), e(i.reason ?? '')]),
    ...diff.removed.map((i, n) => ['<span class="removed">removed</span>', lead(i.lead), touch(i), at(i.at, i.zone), '', `<span class="removed-why">${e(diff.removedWhy?.[n] ?? '')}</span>`]),
    ...diff.moved.map((m) => ['<span class="moved">moved</span>', lead(m.lead), touch(m), at(m.before, m.zone), at(m.after, m.zone), e(m.reason ?? '')]),
  ];
  const pages = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
  const link = (p: number, label: string) =>
    `<a href="/diff?base=${encodeURIComponent(base)}&days=${days}&page=${p}">${label}</a>`;
  const days_ = everyDay(diff.volume.map((v) => v.day));
  const byDay = new Map(diff.volume.map((v) => [v.day, v]));
  const body = `${diffForm(base, days)}
<p class="summary"><strong id="leads-changed">${diff.leadsChanged.length}</strong> leads with a changed calendar:
${diff.added.length} touches added, ${diff.removed.length} removed, ${diff.moved.length} moved, ${diff.unchanged} unchanged (from ${e(localTime(diff.from, 'UTC'))} to ${e(localTime(diff.to, 'UTC'))}).</p>
${volumeChart(days_, [
  { name: `before (${base})`, className: 'bar-before', values: days_.map((d) => byDay.get(d)?.before ?? 0) },
  { name: 'after (current)', className: 'bar-now', values: days_.map((d) => byDay.get(d)?.after ?? 0) },
])}
<h2>Changed touches</h2>${tableHtml(['change', 'lead', 'touch', 'before', 'after', 'why'], rows.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE), 'diff-table')}
<p>page ${page + 1} of ${pages} ${page > 0 ? link(page - 1, 'previous') : ''} ${page + 1 < pages ? link(page + 1, 'next') : ''}</p>`;
  return layout(app, 'Plan diff', body);
}
