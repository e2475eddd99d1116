import { decideExperiment, type ExperimentVerdict } from '../../src/domain/experiments/decide.js';
import type { ArmStats, ExperimentConfig, Variant } from '../../src/domain/experiments/types.js';

/** A seeded generator for the simulated truth (independent of the code under test's own seeding). */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function config(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    mode: 'test',
    metric: { kind: 'click' },
    alpha: 0.05,
    minExposure: 100,
    guardrails: ['unsubscribe', 'complaint'],
    autoConclude: false,
    mixingVariance: 0.001,
    ...overrides,
  };
}

export const twoVariants: Variant[] = [
  { id: 'a', weight: 1 },
  { id: 'b', weight: 1 },
];

export interface Truth {
  /** Click probability per variant, in the variants' order. */
  click: number[];
  unsubscribe?: number[];
}

export interface SimulationResult {
  /** The verdict at the first look that decided (or the last look). */
  verdict: ExperimentVerdict;
  /** Sends per arm over the whole simulation. */
  sends: number[];
  looks: number;
}

/**
 * Simulated weeks of hourly runs, condensed: `perLook` leads arrive between two looks (a run),
 * each takes the arm the current allocation gives it (a uniform bucket laid over the shares, as
 * the keyed hash does), and clicks with its arm's true probability. The experiment is looked at
 * after every batch, as the runs do, and stops at its first decision (winner or stop).
 */
export function simulateExperiment(options: {
  seed: number;
  truth: Truth;
  config: ExperimentConfig;
  variants?: Variant[];
  perLook: number;
  looks: number;
  draws?: number;
  stopAtDecision?: boolean;
}): SimulationResult {
  const variants = options.variants ?? twoVariants;
  const random = mulberry32(options.seed);
  const arms: ArmStats[] = variants.map((v) => ({ id: v.id, exposures: 0, conversions: 0, unsubscribes: 0, complaints: 0 }));
  let shares = variants.map(() => 1 / variants.length);
  const sends = variants.map(() => 0);
  let verdict: ExperimentVerdict | undefined;
  for (let look = 0; look < options.looks; look++) {
    for (let n = 0; n < options.perLook; n++) {
      const u = random();
      let i = 0;
      let edge = shares[0]!;
      while (u >= edge && i < shares.length - 1) edge += shares[++i]!;
      const arm = arms[i]!;
      arm.exposures++;
      sends[i]!++;
      if (random() < options.truth.click[i]!) arm.conversions++;
      if (options.truth.unsubscribe && random() < options.truth.unsubscribe[i]!) arm.unsubscribes++;
    }
    verdict = decideExperiment({ config: options.config, variants, arms, seed: options.seed * 1000 + look, draws: options.draws ?? 400 });
    shares = verdict.arms.map((a) => a.share);
    const kind = verdict.outcome.kind;
    if ((options.stopAtDecision ?? true) && (kind === 'winner' || kind === 'stopped')) return { verdict, sends, looks: look + 1 };
  }
  return { verdict: verdict!, sends, looks: options.looks };
}
