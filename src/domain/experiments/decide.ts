import { configuredShares } from './assign.js';
import { guardrailStops } from './guardrails.js';
import { logMixtureRatio } from './msprt.js';
import { posteriorSummary } from './posterior.js';
import { sendsForPower } from './power.js';
import type { ArmStats, ExperimentConfig, ExperimentOutcome, Variant } from './types.js';

export interface ExperimentInput {
  config: ExperimentConfig;
  /** In the sequence file's order: the first is the control of a test. */
  variants: readonly Variant[];
  /** One per variant, same order. */
  arms: readonly ArmStats[];
  /** A decision an earlier run reached: a test, once decided, stays decided. */
  stored?: ExperimentOutcome;
  seed: number;
  /** Monte Carlo draws for P(best) and expected loss (default posterior.ts POSTERIOR_DRAWS). */
  draws?: number;
}

export interface ArmVerdict {
  id: string;
  probabilityBest: number;
  expectedLoss: number;
  /** The always-valid p-value against the control (tests; the control itself: none). */
  pValue?: number;
  stopped?: string;
  share: number;
}

export interface ExperimentVerdict {
  outcome: ExperimentOutcome;
  arms: ArmVerdict[];
}

/** The relative lift the power forecast and the inconclusive rule are about. */
export const DETECTABLE_LIFT = 0.2;

/**
 * What an experiment decides now, and the share of new leads each arm takes. A test (`mode:
 * test`) compares each challenger with the control (the first variant) by the always-valid mSPRT
 * at alpha / (variants − 1); a decided test sends every new lead the winner. A bandit allocates by
 * Thompson sampling (the probability of being best) once every arm has `minExposure` sends.
 */
export function decideExperiment(input: ExperimentInput): ExperimentVerdict {
  const { config, variants, arms } = input;
  const posterior = posteriorSummary(arms, input.seed, input.draws);
  const stops = new Map<string, string>();
  if (input.stored?.kind === 'stopped') for (const id of input.stored.variants) stops.set(id, input.stored.why);
  for (const s of guardrailStops(config, arms)) if (!stops.has(s.id)) stops.set(s.id, s.why);
  const pValues = config.mode === 'test' ? testPValues(config, arms) : [];
  let outcome: ExperimentOutcome;
  if (input.stored?.kind === 'winner') outcome = input.stored;
  else if (config.mode === 'test') outcome = testOutcome(config, arms, pValues, stops);
  else outcome = banditOutcome(config, arms, posterior.probabilityBest, stops);
  const shares = allocate(config, variants, arms, outcome, posterior.probabilityBest, stops);
  return {
    outcome,
    arms: arms.map((a, i) => ({
      id: a.id,
      probabilityBest: posterior.probabilityBest[i]!,
      expectedLoss: posterior.expectedLoss[i]!,
      ...(i > 0 && config.mode === 'test' ? { pValue: pValues[i]! } : {}),
      ...(stops.has(a.id) ? { stopped: stops.get(a.id)! } : {}),
      share: shares[i]!,
    })),
  };
}

function testPValues(config: ExperimentConfig, arms: readonly ArmStats[]): number[] {
  const control = arms[0]!;
  return arms.map((arm, i) => (i === 0 ? 1 : Math.min(1, Math.exp(-logMixtureRatio(control, arm, config.mixingVariance)))));
}

const pct = (arm: ArmStats) => `${arm.conversions}/${arm.exposures}`;

function testOutcome(config: ExperimentConfig, arms: readonly ArmStats[], pValues: number[], stops: Map<string, string>): ExperimentOutcome {
  const control = arms[0]!;
  const level = config.alpha / Math.max(arms.length - 1, 1);
  const rate = (a: ArmStats) => a.conversions / Math.max(a.exposures, 1);
  const ready = arms.every((a) => a.exposures >= config.minExposure);
  if (ready && !stops.has(control.id)) {
    const better = arms.filter((a, i) => i > 0 && !stops.has(a.id) && pValues[i]! < level && rate(a) > rate(control));
    if (better.length > 0) {
      const best = better.reduce((x, y) => (rate(y) > rate(x) ? y : x));
      const i = arms.indexOf(best);
      return { kind: 'winner', variant: best.id, why: `${best.id} ${pct(best)} beats control ${control.id} ${pct(control)} (always-valid p ${pValues[i]!.toPrecision(2)} < ${level.toPrecision(2)})` };
    }
    const challengers = arms.slice(1).filter((a) => !stops.has(a.id));
    if (challengers.length > 0 && challengers.every((a) => pValues[arms.indexOf(a)]! < level && rate(a) < rate(control)))
      return { kind: 'winner', variant: control.id, why: `control ${control.id} ${pct(control)} beats every challenger (always-valid p < ${level.toPrecision(2)})` };
  }
  if (stops.size > 0) {
    const ids = [...stops.keys()];
    return { kind: 'stopped', variants: ids, why: ids.map((id) => `${id}: ${stops.get(id)}`).join('; ') };
  }
  if (!ready) return { kind: 'running', why: `collecting: every variant needs ${config.minExposure} sends before the test may decide` };
  const pooled = arms.reduce((s, a) => s + a.conversions, 0) / arms.reduce((s, a) => s + a.exposures, 0);
  const needed = pooled > 0 ? sendsForPower(pooled, DETECTABLE_LIFT, [0.5, 0.5], level, config.mixingVariance) : Infinity;
  const total = arms.reduce((s, a) => s + a.exposures, 0);
  if (Number.isFinite(needed) && total >= needed)
    return { kind: 'inconclusive', why: `${total} sends would have shown a ${DETECTABLE_LIFT * 100}% relative lift with 80% power: any difference is smaller` };
  return { kind: 'running', why: `no variant differs from ${control.id} at alpha ${config.alpha} yet (best always-valid p ${Math.min(...pValues).toPrecision(2)})` };
}

function banditOutcome(config: ExperimentConfig, arms: readonly ArmStats[], probabilityBest: number[], stops: Map<string, string>): ExperimentOutcome {
  const short = arms.filter((a) => !stops.has(a.id) && a.exposures < config.minExposure);
  if (stops.size > 0) {
    const ids = [...stops.keys()];
    return { kind: 'stopped', variants: ids, why: ids.map((id) => `${id}: ${stops.get(id)}`).join('; ') };
  }
  if (short.length > 0) return { kind: 'running', why: `exploring: ${short.map((a) => a.id).join(', ')} below ${config.minExposure} sends, allocation by weight` };
  const best = probabilityBest.indexOf(Math.max(...probabilityBest));
  return { kind: 'running', why: `Thompson sampling: ${arms[best]!.id} is best with probability ${probabilityBest[best]!.toFixed(2)}` };
}

function allocate(
  config: ExperimentConfig,
  variants: readonly Variant[],
  arms: readonly ArmStats[],
  outcome: ExperimentOutcome,
  probabilityBest: number[],
  stops: Map<string, string>,
): number[] {
  if (outcome.kind === 'winner') return variants.map((v) => (v.id === outcome.variant ? 1 : 0));
  const live = variants.map((v) => !stops.has(v.id));
  if (!live.some(Boolean)) return configuredShares(variants).map((s) => s.share);
  const exploring = arms.some((a, i) => live[i] && a.exposures < config.minExposure);
  const raw = config.mode === 'bandit' && !exploring ? probabilityBest : configuredShares(variants).map((s) => s.share);
  const kept = raw.map((r, i) => (live[i] ? r : 0));
  const total = kept.reduce((s, r) => s + r, 0);
  // A bandit whose draws all favoured a stopped arm: share the live arms evenly.
  if (total <= 0) return live.map((l) => (l ? 1 / live.filter(Boolean).length : 0));
  return kept.map((r) => r / total);
}
