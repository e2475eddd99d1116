import type { Rate } from './types.js';

const Z = 1.959963984540054;

/**
 * The Wilson score interval at 95%: honest at small counts and near 0 or 1, where the normal
 * approximation gives negative rates. Example: 3 clicks of 10 → 30% (10.8%–60.3%).
 */
export function wilson(successes: number, denominator: number): Rate {
  if (denominator <= 0) return { rate: null, low: null, high: null, successes, denominator };
  const p = successes / denominator;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator);
  const half = (Z * Math.sqrt((p * (1 - p)) / denominator + z2 / (4 * denominator * denominator))) / (1 + z2 / denominator);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), successes, denominator };
}

/**
 * The difference of two proportions (a − b) with Newcombe's hybrid score interval (method 10),
 * built from the two Wilson intervals: used for a sequence's lift over its holdout.
 */
export function liftInterval(a: Rate, b: Rate): { lift: number | null; low: number | null; high: number | null } {
  if (a.rate === null || b.rate === null) return { lift: null, low: null, high: null };
  const d = a.rate - b.rate;
  const low = d - Math.sqrt((a.rate - a.low!) ** 2 + (b.high! - b.rate) ** 2);
  const high = d + Math.sqrt((a.high! - a.rate) ** 2 + (b.rate - b.low!) ** 2);
  return { lift: d, low, high };
}

/** The q-quantile (0–1) of the values by linear interpolation, or null for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
