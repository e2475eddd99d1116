import type { Database } from 'better-sqlite3';
import { type ArmCounts, ExperimentStore } from '../db/experiment-queries.js';
import { decideExperiment, type ExperimentVerdict } from '../domain/experiments/decide.js';
import { tickSeed } from '../domain/experiments/seeded.js';
import type { Allocations, ExperimentConfig, ExperimentOutcome, Variant } from '../domain/experiments/types.js';
import { experimentKey } from '../domain/experiments/types.js';
import type { Sequence, Step } from '../domain/types.js';
import { goalSpecs } from '../report/build.js';
import type { GoalFile } from '../workspace/reporting-schema.js';
import { snapshotAt } from './plan-snapshot.js';

/** One experiment as the database has it at `now`. */
export interface ExperimentState {
  key: string;
  sequence: Sequence;
  step: Step;
  config: ExperimentConfig;
  variants: Variant[];
  arms: ArmCounts[];
  verdict: ExperimentVerdict;
  stored?: { outcome: ExperimentOutcome; decidedAt: number; concludedAt: number | null };
}

export function experimentSteps(sequences: readonly Sequence[]): { sequence: Sequence; step: Step }[] {
  return sequences.flatMap((sequence) => sequence.steps.filter((step) => step.variants && step.experiment).map((step) => ({ sequence, step })));
}

/**
 * Every experiment's counts and verdict at `now`, seeded by the experiment and `now`: the
 * same database and `--at` give the same verdicts and allocations (invariant 6).
 */
export function experimentStates(sqlite: Database, rules: { sequences: readonly Sequence[]; goals: readonly GoalFile[] }, now: number): ExperimentState[] {
  const steps = experimentSteps(rules.sequences);
  if (steps.length === 0) return [];
  const store = new ExperimentStore(sqlite);
  const decisions = store.decisions();
  const goals = goalSpecs(rules.goals);
  return steps.map(({ sequence, step }) => {
    const config = step.experiment!;
    const variants = step.variants!;
    const key = experimentKey(sequence.id, step.id);
    const goal = config.metric.kind === 'goal' ? goals.find((g) => g.id === (config.metric as { goal: string }).goal) : undefined;
    const counts = store.armCounts(sequence.id, step.id, config.metric, goal, now);
    const arms = variants.map((v) => counts.get(v.id) ?? { id: v.id, exposures: 0, conversions: 0, humanClicks: 0, humanOpens: 0, unsubscribes: 0, complaints: 0 });
    const stored = decisions.get(key);
    // A decision about variants that are no longer all in the file (a concluded or edited step) no longer binds.
    const binding = stored && stillApplies(stored.outcome, variants) ? stored : undefined;
    const verdict = decideExperiment({ config, variants, arms, ...(binding ? { stored: binding.outcome } : {}), seed: tickSeed(key, now) });
    return { key, sequence, step, config, variants, arms, verdict, ...(binding ? { stored: binding } : {}) };
  });
}

function stillApplies(outcome: ExperimentOutcome, variants: readonly Variant[]): boolean {
  const ids = new Set(variants.map((v) => v.id));
  if (outcome.kind === 'winner') return ids.has(outcome.variant);
  if (outcome.kind === 'stopped') return outcome.variants.every((v) => ids.has(v));
  return true;
}

export function allocationsOf(states: readonly ExperimentState[]): Allocations | undefined {
  if (states.length === 0) return undefined;
  return Object.fromEntries(states.map((s) => [s.key, s.verdict.arms.map((a) => ({ id: a.id, share: a.share }))]));
}

/**
 * The planning rules with each experiment's allocation as of the start of `now`'s UTC day (what
 * the run and the forecast both plan with: run/plan-snapshot.ts says why the day's start). A
 * workspace without experiments is returned as it is, at no cost.
 */
export function withAllocations<W extends { sequences: Sequence[]; config: { goals: GoalFile[] } }>(sqlite: Database, workspace: W, now: number): W & { allocations?: Allocations } {
  if (experimentSteps(workspace.sequences).length === 0) return workspace;
  const allocations = allocationsOf(experimentStates(sqlite, { sequences: workspace.sequences, goals: workspace.config.goals }, snapshotAt(now)));
  return allocations ? { ...workspace, allocations } : workspace;
}
