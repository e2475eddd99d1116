import type { App } from '../../app.js';
import { FORCES, NURTURE_STAGES } from '../../domain/types.js';
import type { TouchItem } from '../../run/items.js';
import { escapeHtml } from '../router.js';
import type { ReviewData } from '../review-data.js';
import { everyDay, volumeChart } from './chart.js';
import { layout } from './layout.js';
import { localTime } from './local-time.js';

export interface TouchFilter {
  sequence?: string;
  force?: string;
  stage?: string;
}

export const PAGE_SIZE = 50;

export function matches(data: ReviewData, filter: TouchFilter): (item: TouchItem) => boolean {
  return (item) =>
    (!filter.sequence || item.sequence === filter.sequence) &&
    (!filter.force || item.force === filter.force) &&
    (!filter.stage || data.stages.get(item.lead) === filter.stage);
}

/**
 * What the calendar widget shows: one event per local day and sequence carrying a count — about
 * 90 × sequences events however many leads there are, never one per touch. Read from the
 * precomputed counts, so a request costs the same at 300 leads and at 100,000.
 */
export function calendarEvents(data: ReviewData, filter: TouchFilter, start?: string, end?: string, colourOf: (sequence: string) => string = () => '#2f6fb3') {
  const first = start?.slice(0, 10) ?? '';
  const last = end?.slice(0, 10) ?? '\uffff';
  const counts = new Map<string, number>();
  for (const [key, n] of data.counts) {
    const [day, sequence, force, stage] = key.split('|') as [string, string, string, string];
    if (day < first || day >= last) continue;
    if ((filter.sequence && sequence !== filter.sequence) || (filter.force && force !== filter.force) || (filter.stage && stage !== filter.stage))
      continue;
    counts.set(`${day}|${sequence}`, (counts.get(`${day}|${sequence}`) ?? 0) + n);
  }
  return [...counts.entries()].map(([key, count]) => {
    const [day, sequence] = key.split('|') as [string, string];
    return {
      id: key,
      title: `${sequence}: ${count}`,
      start: day,
      allDay: true,
      classNames: [`seq-${sequence}`],
      backgroundColor: colourOf(sequence),
      borderColor: colourOf(sequence),
      extendedProps: { day, sequence, count },
    };
  });
}

/** One page of the touches of a local day (optionally one sequence), with the lead's ref for links. */
export function touchPage(data: ReviewData, filter: TouchFilter, day: string, page: number) {
  const all = (data.byDay.get(day) ?? []).filter(matches(data, filter));
  const items = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((i) => ({
    at: i.at,
    local: localTime(i.at, i.zone),
    zone: i.zone,
    lead: i.lead,
    ref: data.refByEmail.get(i.lead) ?? '',
    sequence: i.sequence,
    step: i.step,
    force: i.force,
    reason: i.reason ?? '',
  }));
  return { day, total: all.length, page, pageSize: PAGE_SIZE, pages: Math.ceil(all.length / PAGE_SIZE), items };
}

const select = (name: string, label: string, values: readonly string[]) =>
  `<label>${label} <select name="${name}" id="filter-${name}"><option value="">all</option>${values
    .map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`)
    .join('')}</select></label>`;

/** The summary line and the daily volume chart, fetched by the page once the forecast is ready. */
export function calendarSummary(data: ReviewData): string {
  const days = everyDay(data.byDay.keys());
  const chart = volumeChart(days, [{ name: 'all touches', className: 'bar-now', values: days.map((d) => data.byDay.get(d)?.length ?? 0) }]);
  const reached = new Set(data.items.map((i) => i.lead)).size;
  return `<p class="summary" id="calendar-counts">${data.items.length.toLocaleString('en-US')} touches to ${reached.toLocaleString('en-US')} of ${data.stages.size.toLocaleString('en-US')} leads
from ${escapeHtml(localTime(data.from, 'UTC'))} for ${Math.round((data.to - data.from) / 86_400_000)} days, planned by the same engine as the run.
Counts are touches per lead-local day and sequence, in the sequence's colour; click one for the touches. Shaded days: public holidays of the leads' countries and paused seasons.</p>${chart}`;
}

/**
 * The page shell needs no forecast, so the widget paints at once even when the first forecast
 * of a large base takes a while; the counts, the summary and the chart arrive as it completes.
 */
export function calendarPage(app: Pick<App, 'workspace' | 'clock'>): string {
  const body = `<form id="filters">${select('sequence', 'Sequence', app.workspace.sequences.map((s) => s.id))}
${select('force', 'Force', FORCES)}${select('stage', 'Stage', NURTURE_STAGES)}</form>
<div id="calendar" data-initial-date="${escapeHtml(new Date(app.clock.now()).toISOString().slice(0, 10))}"></div>
<section id="day-detail" hidden><h2 id="day-title"></h2><table><thead><tr><th>local time</th><th>lead</th><th>sequence</th><th>step</th><th>force</th><th>why this time</th></tr></thead>
<tbody id="day-rows"></tbody></table><p><button id="prev-page" type="button">previous</button> <span id="page-info"></span> <button id="next-page" type="button">next</button></p></section>
<section id="volume"><p class="summary">Planning the forecast…</p></section>`;
  return layout(app, 'Upcoming touches', body, ['/assets/fullcalendar.js', '/assets/calendar.js']);
}
