import { escapeHtml } from '../router.js';

export interface Series {
  name: string;
  className: string;
  values: number[];
  /** A fill of its own (a sequence's colour) instead of the class's. */
  colour?: string;
}

/**
 * Daily volume as a small inline SVG bar chart: one bar per day per series, side by side, with
 * the maximum on the axis. One element per day, never per touch, so it stays light at any scale.
 */
export function volumeChart(days: string[], series: Series[], options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 900;
  const height = options.height ?? 160;
  const pad = { left: 40, bottom: 20, top: 10 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (width - pad.left) / Math.max(1, days.length);
  const bar = Math.max(1, (slot * 0.8) / Math.max(1, series.length));
  const plot = height - pad.bottom - pad.top;
  const bars: string[] = [];
  series.forEach((s, si) => {
    s.values.forEach((v, di) => {
      const h = (v / max) * plot;
      const x = pad.left + di * slot + si * bar;
      bars.push(
        `<rect class="${s.className}"${s.colour ? ` fill="${s.colour}"` : ''} x="${x.toFixed(1)}" y="${(pad.top + plot - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(`${days[di]} ${s.name}: ${v}`)}</title></rect>`,
      );
    });
  });
  const step = Math.max(1, Math.ceil(days.length / 10));
  const labels = days
    .map((d, i) => (i % step === 0 ? `<text x="${(pad.left + i * slot).toFixed(1)}" y="${height - 4}">${escapeHtml(d.slice(5))}</text>` : ''))
    .join('');
  const legend = series
    .map((s) => (s.colour ? `<span class="legend-item"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.colour}"/></svg> ${escapeHtml(s.name)}</span>` : `<span class="legend ${s.className}">${escapeHtml(s.name)}</span>`))
    .join(' ');
  return `<figure class="volume-chart"><svg role="img" aria-label="Touches per day" viewBox="0 0 ${width} ${height}" width="100%">
<text x="0" y="${pad.top + 8}">${max}</text><text x="0" y="${pad.top + plot}">0</text>
<line x1="${pad.left}" y1="${pad.top + plot}" x2="${width}" y2="${pad.top + plot}" class="axis"/>
${bars.join('\n')}${labels}</svg><figcaption>Touches per day ${legend}</figcaption></figure>`;
}

/** Every calendar day from the first to the last key, so a quiet day shows as a gap, not as nothing. */
export function everyDay(days: Iterable<string>): string[] {
  const sorted = [...days].sort();
  if (sorted.length === 0) return [];
  const out: string[] = [];
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= last; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
