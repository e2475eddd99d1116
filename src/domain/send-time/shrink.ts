import { HOURS_OF_WEEK, type HourCounts } from './types.js';

/**
 * The share of each count spread over the seven days at its hour: 168 bins are sparse (a lead's
 * five opens at 14:00 fall on five different weekdays), and reading habits follow the hour of the
 * day far more than the weekday. Half stays on its weekday, so a weekday habit (Monday mornings)
 * still shows. In the known-truth simulation (test/send-time/simulation.ts, 20 seeds) it raised
 * the optimised human open rate from 43.2% to 45.3% against the holdout's 32.4%.
 */
export const WEEKDAY_POOLING = 0.5;

const byHour = new Float64Array(24);

/**
 * (pooled count + strength × prior share) / (total + strength), bin by bin, where the pooled
 * count of hour h on weekday w is (1 − p) × its count + p × (the count at h on any day) / 7,
 * p = WEEKDAY_POOLING: the total stays the same, so the shares still sum to 1.
 *
 * Worked example: 5 of a lead's 7 opens on Tue 08:00–09:00 (none at 08:00 on other days), its
 * domain puts 10% there: (0.5 × 5 + 0.5 × 5 / 7 + 10 × 0.10) / (7 + 10) = 0.227; Wed 08:00–09:00,
 * where the domain puts 1%, gets (0.5 × 5 / 7 + 10 × 0.01) / 17 = 0.027.
 */
export function shrink(counts: HourCounts, prior: ArrayLike<number> | number, strength: number, out = new Float64Array(HOURS_OF_WEEK)): Float64Array {
  const denominator = counts.total + strength;
  byHour.fill(0);
  for (let h = 0; h < HOURS_OF_WEEK; h++) byHour[h % 24]! += counts.bins[h] ?? 0;
  for (let h = 0; h < HOURS_OF_WEEK; h++) {
    const p = typeof prior === 'number' ? prior : prior[h]!;
    const pooled = (1 - WEEKDAY_POOLING) * (counts.bins[h] ?? 0) + (WEEKDAY_POOLING * byHour[h % 24]!) / 7;
    out[h] = (pooled + strength * p) / denominator;
  }
  return out;
}

/** The count behind one bin: its own, or (none there) the count at its hour on any day; undefined when both are 0. */
export function countAt(counts: HourCounts, bin: number): { count: number; anyDay: boolean } | undefined {
  const own = counts.bins[bin] ?? 0;
  if (own > 0) return { count: own, anyDay: false };
  let atHour = 0;
  for (let h = bin % 24; h < HOURS_OF_WEEK; h += 24) atHour += counts.bins[h] ?? 0;
  return atHour > 0 ? { count: atHour, anyDay: true } : undefined;
}
