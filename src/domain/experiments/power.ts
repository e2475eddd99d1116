import cdf from '@stdlib/stats-base-dists-normal-cdf';
import { criticalZ } from './msprt.js';

/**
 * The power of the sequential test at a look with `total` sends split by `shares` (control
 * first), for a true relative lift `lift` over the baseline rate: the test decides at that look
 * when |θ̂|/√V ≥ z* (msprt.ts criticalZ), and θ̂/√V is about N(δ/√V, 1) with δ = baseline · lift.
 * A test that may stop at any earlier look has at least this power by then.
 */
export function powerAt(total: number, baseline: number, lift: number, shares: readonly [number, number], alpha: number, mixingVariance: number): number {
  const pa = baseline;
  const pb = Math.min(baseline * (1 + lift), 1);
  const na = total * shares[0];
  const nb = total * shares[1];
  if (na < 1 || nb < 1) return 0;
  const v = (pa * (1 - pa)) / na + (pb * (1 - pb)) / nb;
  const shift = (pb - pa) / Math.sqrt(v);
  const z = criticalZ(v, mixingVariance, alpha);
  return cdf(shift - z, 0, 1) + cdf(-shift - z, 0, 1);
}

/** The fewest sends (all arms together) that reach `power`; Infinity past a billion. */
export function sendsForPower(
  baseline: number,
  lift: number,
  shares: readonly [number, number],
  alpha: number,
  mixingVariance: number,
  power = 0.8,
): number {
  const reaches = (n: number) => powerAt(n, baseline, lift, shares, alpha, mixingVariance) >= power;
  let hi = 64;
  while (!reaches(hi)) {
    hi *= 2;
    if (hi > 1e9) return Infinity;
  }
  let lo = hi / 2;
  while (hi - lo > Math.max(1, hi * 0.001)) {
    const mid = Math.floor((lo + hi) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi);
}

/**
 * The day the step's sends reach `needed`, from those sent so far and the forecast's sends per
 * day (`projected[i]` on day i after `from`); past the forecast's horizon at its average pace.
 * Undefined when nothing is projected.
 */
export function dayReached(sentSoFar: number, needed: number, projected: readonly number[]): number | undefined {
  if (sentSoFar >= needed) return 0;
  let total = sentSoFar;
  for (let day = 0; day < projected.length; day++) {
    total += projected[day]!;
    if (total >= needed) return day + 1;
  }
  const perDay = projected.reduce((s, n) => s + n, 0) / Math.max(projected.length, 1);
  if (perDay <= 0) return undefined;
  return projected.length + Math.ceil((needed - total) / perDay);
}
