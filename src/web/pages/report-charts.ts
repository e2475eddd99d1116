import type { Rate, ReportRow } from '../../report/types.js';
import { escapeHtml } from '../router.js';

const e = escapeHtml;
const f1 = (x: number) => x.toFixed(1);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The stages of the funnel, in unique leads: reached, delivered to, opened and clicked by a person, converted. */
export const FUNNEL: { label: string; value: (r: ReportRow) => number }[] = [
  { label: 'reached', value: (r) => r.leads },
  { label: 'delivered', value: (r) => r.rates.humanOpen.denominator },
  { label: 'opened (human)', value: (r) => r.humanOpened },
  { label: 'clicked (human)', value: (r) => r.humanClicked },
  { label: 'converted', value: (r) => r.converted },
];

/**
 * One horizontal funnel per sequence: a bar per stage in the sequence's colour, each as wide as
 * its share of the leads reached, with the count at its end. Plain server-rendered SVG.
 */
export function funnelChart(rows: readonly ReportRow[], colourOf: (sequence: string) => string): string {
  const width = 900;
  const labelW = 150;
  const barH = 14;
  const groupH = FUNNEL.length * (barH + 3) + 22;
  const max = Math.max(1, ...rows.map((r) => r.leads));
  const groups = rows.map((r, gi) => {
    const y0 = gi * groupH;
    const colour = colourOf(r.sequence ?? '');
    const bars = FUNNEL.map((stage, si) => {
      const v = stage.value(r);
      const w = ((width - labelW - 60) * v) / max;
      const y = y0 + 18 + si * (barH + 3);
      return `<text x="${labelW - 6}" y="${y + barH - 3}" text-anchor="end">${e(stage.label)}</text>
<rect x="${labelW}" y="${y}" width="${f1(Math.max(w, v > 0 ? 1 : 0))}" height="${barH}" fill="${colour}" fill-opacity="${(1 - si * 0.15).toFixed(2)}"><title>${e(`${r.sequence}: ${v} ${stage.label}`)}</title></rect>
<text x="${f1(labelW + w + 4)}" y="${y + barH - 3}">${v}</text>`;
    });
    return `<text x="0" y="${y0 + 12}" class="group-title" fill="${colour}">${e(r.sequence ?? '')}</text>${bars.join('')}`;
  });
  const height = Math.max(40, rows.length * groupH);
  return `<figure class="report-chart" id="funnel-chart"><svg role="img" aria-label="Funnel per sequence" viewBox="0 0 ${width} ${height}" width="100%">
${groups.join('\n')}</svg><figcaption>Unique leads at each stage, per sequence, in the sequence's colour</figcaption></figure>`;
}

const FORCE_RATES: { label: string; rate: (r: ReportRow) => Rate; fill: string }[] = [
  { label: 'human open rate', rate: (r) => r.rates.humanOpen, fill: '#7aa6d6' },
  { label: 'human click rate', rate: (r) => r.rates.humanClick, fill: '#2f6fb3' },
  { label: 'conversion rate', rate: (r) => r.rates.conversion, fill: '#13653a' },
];

/** The forces side by side: per force, a bar per rate with its Wilson 95% interval as a whisker. */
export function forceChart(rows: readonly ReportRow[]): string {
  const width = 900;
  const height = 220;
  const pad = { left: 40, bottom: 24, top: 10 };
  const plot = height - pad.top - pad.bottom;
  const max = Math.max(0.05, ...rows.flatMap((r) => FORCE_RATES.map((k) => k.rate(r).high ?? 0)));
  const slot = (width - pad.left) / Math.max(1, rows.length);
  const bar = (slot * 0.7) / FORCE_RATES.length;
  const y = (v: number) => pad.top + plot - (v / max) * plot;
  const marks = rows.flatMap((r, ri) => [
    `<text x="${f1(pad.left + ri * slot + slot * 0.15)}" y="${height - 6}">${e(r.force ?? '')}</text>`,
    ...FORCE_RATES.map((k, ki) => {
      const rate = k.rate(r);
      const x = pad.left + ri * slot + slot * 0.15 + ki * bar;
      if (rate.rate === null) return '';
      const whisker =
        rate.low === null || rate.high === null
          ? ''
          : `<line class="whisker" x1="${f1(x + bar / 2)}" x2="${f1(x + bar / 2)}" y1="${f1(y(rate.low))}" y2="${f1(y(rate.high))}"/>`;
      return `<rect x="${f1(x)}" y="${f1(y(rate.rate))}" width="${f1(bar * 0.9)}" height="${f1(pad.top + plot - y(rate.rate))}" fill="${k.fill}"><title>${e(
        `${r.force} ${k.label}: ${pct(rate.rate)} (${rate.successes} of ${rate.denominator})`,
      )}</title></rect>${whisker}`;
    }),
  ]);
  const legend = FORCE_RATES.map((k) => `<span class="legend-item"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${k.fill}"/></svg> ${k.label}</span>`).join(' ');
  return `<figure class="report-chart" id="force-chart"><svg role="img" aria-label="Rates by force" viewBox="0 0 ${width} ${height}" width="100%">
<text x="0" y="${pad.top + 8}">${pct(max)}</text><text x="0" y="${pad.top + plot}">0%</text>
<line x1="${pad.left}" y1="${pad.top + plot}" x2="${width}" y2="${pad.top + plot}" class="axis"/>
${marks.join('\n')}</svg><figcaption>Rates by force, of the unique leads delivered to (conversion: of those reached), with Wilson 95% intervals ${legend}</figcaption></figure>`;
}

const TREND: { label: string; value: (r: ReportRow) => number; stroke: string }[] = [
  { label: 'leads reached', value: (r) => r.leads, stroke: '#9aa5b1' },
  { label: 'opened (human)', value: (r) => r.humanOpened, stroke: '#7aa6d6' },
  { label: 'clicked (human)', value: (r) => r.humanClicked, stroke: '#2f6fb3' },
  { label: 'converted', value: (r) => r.converted, stroke: '#13653a' },
];

/** Trends by week: a line per count over the weeks (Monday, UTC), with a dot and a tooltip per week. */
export function weekChart(rows: readonly ReportRow[]): string {
  const width = 900;
  const height = 200;
  const pad = { left: 50, right: 40, bottom: 24, top: 10 };
  const plot = height - pad.top - pad.bottom;
  const max = Math.max(1, ...rows.flatMap((r) => TREND.map((t) => t.value(r))));
  const step = rows.length > 1 ? (width - pad.left - pad.right) / (rows.length - 1) : 0;
  const x = (i: number) => pad.left + (rows.length > 1 ? i * step : (width - pad.left) / 2);
  const y = (v: number) => pad.top + plot - (v / max) * plot;
  const lines = TREND.map((t) => {
    const points = rows.map((r, i) => `${f1(x(i))},${f1(y(t.value(r)))}`).join(' ');
    const dots = rows
      .map((r, i) => `<circle cx="${f1(x(i))}" cy="${f1(y(t.value(r)))}" r="3" fill="${t.stroke}"><title>${e(`week of ${r.week}: ${t.value(r)} ${t.label}`)}</title></circle>`)
      .join('');
    return `<polyline points="${points}" fill="none" stroke="${t.stroke}" stroke-width="2"/>${dots}`;
  });
  const labels = rows.map((r, i) => `<text x="${f1(x(i))}" y="${height - 6}" text-anchor="middle">${e(weekLabel(r.week ?? ''))}</text>`).join('');
  const legend = TREND.map((t) => `<span class="legend-item"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${t.stroke}"/></svg> ${t.label}</span>`).join(' ');
  return `<figure class="report-chart" id="week-chart"><svg role="img" aria-label="Trends by week" viewBox="0 0 ${width} ${height}" width="100%">
<text x="0" y="${pad.top + 8}">${max}</text><text x="0" y="${pad.top + plot}">0</text>
<line x1="${pad.left}" y1="${pad.top + plot}" x2="${width}" y2="${pad.top + plot}" class="axis"/>
${lines.join('\n')}${labels}</svg><figcaption>Unique leads per week of sending ${legend}</figcaption></figure>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2026-11-02" → "2 Nov". */
export const weekLabel = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? `${Number(day.slice(8))} ${MONTHS[Number(day.slice(5, 7)) - 1]}` : day);
