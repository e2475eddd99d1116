import { toCsv } from '../../io/csv-write.js';
import { buildReport } from '../../report/build.js';
import { segmentMemberships } from '../../report/segments.js';
import { type SendTimeSection, sendTimeSection } from '../../report/send-time.js';
import { printSendTime } from './report-send-time.js';
import type { Rate, Report, ReportKey, ReportRow } from '../../report/types.js';
import { withReportReads } from '../../report/app-reads.js';
import { reportPeriod } from '../../report/period.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';

export interface ReportOptions {
  from?: string;
  to?: string;
  by?: string;
  format?: string;
}

/** `nurture report`: what works, by sequence, step, force or week (DESIGN.md section 5). */
export async function reportCommand(io: CliIo, globals: GlobalOptions, options: ReportOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const zone = app.workspace.policy.defaultZone;
    const format = options.format ?? (globals.json ? 'json' : 'table');
    if (!['table', 'json', 'csv'].includes(format)) throw new UserError(`--format: "${format}" is not one of table, json, csv`);
    const by = options.by ?? 'sequence';
    const segmentFiles = app.workspace.config.segments;
    if (by === 'segment' && Object.keys(segmentFiles).length === 0)
      throw new UserError('--by segment: this workspace defines no segments to group by (nurture.yaml: segments); use --by sequence, step, force or week');
    if (!['sequence', 'step', 'force', 'week', 'variant', 'segment'].includes(by))
      throw new UserError(`--by: "${by}" is not one of sequence, step, force, week, segment, variant`);
    const period = reportPeriod(options, zone, app.clock.now());
    if (!period.ok) throw new UserError(period.message);
    const { from, to } = period;
    const report = await withReportReads(app, async (reads): Promise<Report & { sendTime?: SendTimeSection }> => {
      const sendTime = await sendTimeSection(reads, from, to);
      // Segment membership as of the end of the period (or now, if that is earlier).
      const segments = by === 'segment' ? await segmentMemberships(reads, segmentFiles, app.workspace.scoring, Math.min(to, app.clock.now())) : undefined;
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        ...(await buildReport(reads, { from, to, by: by as ReportKey, goals: app.workspace.config.goals, ...(segments ? { segments } : {}) })),
        ...(sendTime ? { sendTime } : {}),
      };
    });
    const { sendTime } = report;
    if (format === 'json') io.stdout(json(report));
    else if (format === 'csv') io.stdout(reportCsv(report));
    else {
      printReport(io, report);
      if (sendTime) printSendTime(io, sendTime);
    }
    return 0;
  });
}

const pct = (r: Rate) => (r.rate === null ? '–' : `${(r.rate * 100).toFixed(1)}%`);
const ci = (r: Rate) => (r.rate === null ? '' : ` (${(r.low! * 100).toFixed(1)}–${(r.high! * 100).toFixed(1)})`);
const keyCells = (by: Report['by'], r: ReportRow) =>
  by === 'step' ? [r.sequence ?? '', r.step ?? '', r.force ?? ''] : by === 'variant' ? [r.sequence ?? '', r.step ?? '', r.variant ?? ''] : [r.sequence ?? r.force ?? r.week ?? r.segment ?? 'total'];
const keyHeaders = (by: Report['by']) => (by === 'step' ? ['sequence', 'step', 'force'] : by === 'variant' ? ['sequence', 'step', 'variant'] : [by]);

function printReport(io: CliIo, report: Report): void {
  io.stdout(`Report ${report.from} – ${report.to}, by ${report.by}. Opens and clicks are unique leads; "human" sets apart machine opens and scanner clicks.`);
  if (report.rows.length === 0) {
    io.stdout('No messages went out in this period.');
    return;
  }
  const headers = [...keyHeaders(report.by), 'enrolled', 'sent', 'delivered', 'bounced h/s', 'opened', 'human opened', 'clicked', 'human clicked', 'click-to-open', 'unsub', 'complaints', 'sunset', 'converted', 'ttc h med/p90', 'lift vs holdout'];
  const line = (r: ReportRow, keys: string[]) => [
    ...keys,
    r.enrolled === null ? '' : String(r.enrolled),
    String(r.sent),
    String(r.delivered),
    `${r.bouncedHard}/${r.bouncedSoft}`,
    String(r.opened),
    `${r.humanOpened} ${pct(r.rates.humanOpen)}${ci(r.rates.humanOpen)}`,
    String(r.clicked),
    `${r.humanClicked} ${pct(r.rates.humanClick)}${ci(r.rates.humanClick)}`,
    `${pct(r.rates.clickToOpen)}${ci(r.rates.clickToOpen)}`,
    String(r.unsubscribed),
    String(r.complained),
    r.sunset === null ? '' : String(r.sunset),
    `${r.converted} ${pct(r.rates.conversion)}`,
    r.medianTimeToConversionHours === null ? '' : `${r.medianTimeToConversionHours}/${r.p90TimeToConversionHours}`,
    r.holdout?.lift === undefined || r.holdout.lift === null ? '' : `${(r.holdout.lift * 100).toFixed(1)} pts (${(r.holdout.low! * 100).toFixed(1)}…${(r.holdout.high! * 100).toFixed(1)}), ${r.holdout.heldOut} held out`,
  ];
  const rows = report.rows.map((r) => line(r, keyCells(report.by, r)));
  rows.push(line(report.totals, keyHeaders(report.by).map((_, i) => (i === 0 ? 'total' : ''))));
  io.stdout(table(headers, rows));
  io.stdout('Rates: of unique leads delivered to, Wilson 95% intervals; click-to-open = human clicks / human opens; --format json for every denominator.');
}

const RATE_NAMES = ['delivery', 'bounce', 'open', 'humanOpen', 'click', 'humanClick', 'clickToOpen', 'unsubscribe', 'complaint', 'conversion'] as const;
const COUNT_NAMES = ['enrolled', 'sent', 'leads', 'delivered', 'bounced', 'bouncedHard', 'bouncedSoft', 'opened', 'humanOpened', 'clicked', 'humanClicked', 'unsubscribed', 'complained', 'sunset', 'converted', 'conversions', 'medianTimeToConversionHours', 'p90TimeToConversionHours'] as const;

export function reportCsv(report: Report): string {
  const keys = keyHeaders(report.by);
  const rateColumns = RATE_NAMES.flatMap((n) => [`${n}Rate`, `${n}Low`, `${n}High`, `${n}Denominator`]);
  const columns = [...keys, ...COUNT_NAMES, ...rateColumns, 'lift', 'liftLow', 'liftHigh', 'heldOut'];
  const flat = (r: ReportRow, label?: string) => {
    const out: Record<string, string | number> = {};
    keys.forEach((k) => (out[k] = label ?? (r as unknown as Record<string, string>)[k] ?? ''));
    for (const n of COUNT_NAMES) out[n] = r[n] ?? '';
    for (const n of RATE_NAMES) {
      const rate = r.rates[n];
      out[`${n}Rate`] = rate.rate ?? '';
      out[`${n}Low`] = rate.low ?? '';
      out[`${n}High`] = rate.high ?? '';
      out[`${n}Denominator`] = rate.denominator;
    }
    out.lift = r.holdout?.lift ?? '';
    out.liftLow = r.holdout?.low ?? '';
    out.liftHigh = r.holdout?.high ?? '';
    out.heldOut = r.holdout?.heldOut ?? '';
    return out;
  };
  return toCsv(columns, [...report.rows.map((r) => flat(r)), flat(report.totals, 'total')]);
}
