import { FORCES } from '../../domain/types.js';
import { type Aggregate, DEFERRING_RULES } from '../../run/aggregate.js';
import { table } from '../output.js';
import { csvLine } from '../../io/csv-write.js';

/** The deferring rules that occur, plus the three that always can (caps, gap, window). */
const deferringColumns = (agg: Aggregate): string[] =>
  DEFERRING_RULES.filter((r) => r === 'cap' || r === 'min-gap' || r === 'send-window' || agg.deferredBy[r]);

function cells(agg: Aggregate): { header: string[]; rows: string[][] } {
  const sequences = [...new Set(agg.rows.flatMap((row) => Object.keys(row.bySequence)))].sort();
  const forces = [...FORCES];
  const DEFERRING = deferringColumns(agg);
  const header = [agg.by, 'total', ...sequences, ...forces, 'deferred', ...DEFERRING.map((r) => `by ${r}`)];
  const rows = agg.rows.map((row) => [
    row.key,
    String(row.total),
    ...sequences.map((s) => String(row.bySequence[s] ?? 0)),
    ...forces.map((f) => String(row.byForce[f] ?? 0)),
    String(row.deferred),
    ...DEFERRING.map((r) => String(row.deferredBy[r] ?? 0)),
  ]);
  return { header, rows };
}

/** Counts per day, sequence or force; then the deferrals and the busiest days. */
export function aggregateTable(agg: Aggregate): string {
  if (agg.total === 0) return `No touches planned between ${agg.from} and ${agg.to}.`;
  const { header, rows } = cells(agg);
  const why = DEFERRING_RULES.filter((r) => agg.deferredBy[r]).map((r) => `${r} ${agg.deferredBy[r]}`);
  return [
    table(header, rows),
    '',
    `${agg.total} touches from ${agg.from} to ${agg.to}; ${agg.deferred} deferred${why.length ? ` (${why.join(', ')})` : ''}`,
    `busiest days: ${agg.busiestDays.map((d) => `${d.day} (${d.total})`).join(', ')}`,
  ].join('\n');
}

export function aggregateCsv(agg: Aggregate): string {
  const { header, rows } = cells(agg);
  return [header, ...rows].map((r) => csvLine(r)).join('\n');
}
