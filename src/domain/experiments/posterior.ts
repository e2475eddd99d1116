import beta from '@stdlib/random-base-beta';
import type { ProportionArm } from './msprt.js';

/**
 * Monte Carlo over each arm's Beta(1 + conversions, 1 + exposures − conversions) posterior
 * (uniform prior), drawn with a seeded generator: the probability that each arm is the best,
 * and each arm's expected loss E[max_j θ_j − θ_i] (how much rate is given up by choosing it).
 */
export interface PosteriorSummary {
  probabilityBest: number[];
  expectedLoss: number[];
}

export const POSTERIOR_DRAWS = 4000;

export function posteriorSummary(arms: readonly ProportionArm[], seed: number, draws = POSTERIOR_DRAWS): PosteriorSummary {
  const k = arms.length;
  const wins = new Array<number>(k).fill(0);
  const loss = new Array<number>(k).fill(0);
  if (k === 0) return { probabilityBest: [], expectedLoss: [] };
  const sample = beta.factory({ seed });
  const theta = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    for (let i = 0; i < k; i++) {
      const arm = arms[i]!;
      const c = Math.min(arm.conversions, arm.exposures);
      theta[i] = sample(1 + c, 1 + arm.exposures - c);
      if (theta[i]! > theta[best]!) best = i;
    }
    wins[best]!++;
    for (let i = 0; i < k; i++) loss[i]! += theta[best]! - theta[i]!;
  }
  return { probabilityBest: wins.map((w) => w / draws), expectedLoss: loss.map((l) => l / draws) };
}
