import type { Reason } from '../domain/placement.js';
import type { TouchItem } from './items.js';

/**
 * Rules that held a touch back from its due time. Not deferrals: landing on the next run's tick
 * (`schedule`), and the pace rules that set the due time itself (`cadence`, `sales-cycle`).
 */
export const DEFERRING_RULES: readonly Reason['rule'][] = ['cap', 'min-gap', 'send-window', 'business-days', 'season', 'catch-up'];
const DEFERRING: ReadonlySet<string> = new Set(DEFERRING_RULES);

export type AggregateBy = 'day' | 'sequence' | 'force';
export const AGGREGATE_BY: readonly AggregateBy[] = ['day', 'sequence', 'force'];

export interface AggregateRow {
  key: string;
  total: number;
  bySequence: Record<string, number>;
  byForce: Record<string, number>;
  /** Touches moved from their due time by a cap, the minimum gap, the send window, a season… */
  deferred: number;
  deferredBy: Record<string, number>;
}

export interface Aggregate {
  by: AggregateBy;
  from: string;
  to: string;
  total: number;
  deferred: number;
  deferredBy: Record<string, number>;
  rows: AggregateRow[];
  /** The days with the most touches, busiest first (ties: earlier day first). */
  busiestDays: { day: string; total: number }[];
}

/** The lead's local calendar day of a touch: `at` is ISO 8601 in the lead's own zone. */
export const localDay = (item: TouchItem): string => item.at.slice(0, 10);

/** The rules that deferred one touch, once each. */
export function deferringRules(item: TouchItem): string[] {
  const rules = new Set<string>();
  for (const r of item.rules ?? []) if (DEFERRING.has(r.rule)) rules.add(r.rule);
  return [...rules];
}

const bump = (counts: Record<string, number>, key: string, n = 1) => {
  counts[key] = (counts[key] ?? 0) + n;
};

function keyOf(item: TouchItem, by: AggregateBy): string {
  if (by === 'day') return localDay(item);
  return by === 'sequence' ? item.sequence : item.force;
}

/** Counts per day, sequence or force, with deferrals and why, and the busiest days. */
export function aggregate(forecast: { from: string; to: string; items: readonly TouchItem[] }, by: AggregateBy): Aggregate {
  const rows = new Map<string, AggregateRow>();
  const perDay = new Map<string, number>();
  const deferredBy: Record<string, number> = {};
  let deferred = 0;
  for (const item of forecast.items) {
    const key = keyOf(item, by);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, total: 0, bySequence: {}, byForce: {}, deferred: 0, deferredBy: {} }));
    row.total++;
    bump(row.bySequence, item.sequence);
    bump(row.byForce, item.force);
    const rules = deferringRules(item);
    if (rules.length > 0) {
      row.deferred++;
      deferred++;
      for (const rule of rules) {
        bump(row.deferredBy, rule);
        bump(deferredBy, rule);
      }
    }
    const day = localDay(item);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const busiestDays = [...perDay.entries()]
    .map(([day, total]) => ({ day, total }))
    .sort((a, b) => b.total - a.total || a.day.localeCompare(b.day))
    .slice(0, 5);
  const sorted = [...rows.values()].sort((a, b) =>
    by === 'day' ? a.key.localeCompare(b.key) : b.total - a.total || a.key.localeCompare(b.key),
  );
  return { by, from: forecast.from, to: forecast.to, total: forecast.items.length, deferred, deferredBy, rows: sorted, busiestDays };
}

/** Touches per local day, oldest first: the daily volume series for charts and diffs. */
export function dailyVolume(items: Iterable<TouchItem>): Map<string, number> {
  const days = new Map<string, number>();
  for (const item of items) days.set(localDay(item), (days.get(localDay(item)) ?? 0) + 1);
  return new Map([...days.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
