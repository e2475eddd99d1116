/** Experiments on a step's content (README "Experiments"). Plain values: no I/O, no clock. */

export interface Variant {
  id: string;
  /** Replaces the step's template for this arm. */
  template?: string;
  /** Replaces the template's subject line for this arm (Handlebars, like a template's subject). */
  subject?: string;
  /** Relative share of traffic in `mode: test` (default 1). */
  weight: number;
}

export type ExperimentMode = 'test' | 'bandit';

/** `click` (human clicks), `open` (human opens, on request only), or a goal of nurture.yaml. */
export type ExperimentMetric = { kind: 'click' } | { kind: 'open' } | { kind: 'goal'; goal: string };

/** Signals that stop a variant whose rate of them is credibly higher than the other arms' (same sequential test). */
export const GUARDRAILS = ['unsubscribe', 'complaint'] as const;
export type Guardrail = (typeof GUARDRAILS)[number];

export interface ExperimentConfig {
  mode: ExperimentMode;
  metric: ExperimentMetric;
  /** The sequential test's error rate (default 0.05). */
  alpha: number;
  /** Sends per variant before a bandit moves allocation and before a test may decide. */
  minExposure: number;
  guardrails: Guardrail[];
  /** The run writes the winner into the sequence file when the test decides. */
  autoConclude: boolean;
  /** The mSPRT mixing variance τ² of the normal mixture over the difference in rates. */
  mixingVariance: number;
}

/** What the runs have seen of one arm. */
export interface ArmStats {
  id: string;
  exposures: number;
  conversions: number;
  unsubscribes: number;
  complaints: number;
}

/**
 * The share of new assignments each variant takes now: the configured weights in a test (a
 * variant stopped by a guardrail gets 0), Thompson sampling's in a bandit. Keyed `sequence/step`.
 */
export type Allocations = Readonly<Record<string, readonly { id: string; share: number }[]>>;

export type ExperimentOutcome =
  | { kind: 'running'; why: string }
  | { kind: 'winner'; variant: string; why: string }
  | { kind: 'stopped'; variants: string[]; why: string }
  | { kind: 'inconclusive'; why: string };

export const experimentKey = (sequenceId: string, stepId: string) => `${sequenceId}/${stepId}`;
