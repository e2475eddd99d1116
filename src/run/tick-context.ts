import { countSendTimes, type SendTimeSignal } from '../db/send-time-counts.js';
import type { ExperimentOutcome } from '../domain/experiments/types.js';
import type { PlanContext } from '../domain/lead-plan.js';
import type { Sequence } from '../domain/types.js';
import type { Workspace } from '../workspace/load.js';
import type { GoalFile } from '../workspace/reporting-schema.js';
import { type PlanRules, planContext } from './context.js';
import { allocationsOf, type ExperimentReads, experimentStates, experimentSteps } from './experiment-state.js';

/** What a tick reads at its start that SQLite's run reads synchronously while it plans. */
export interface TickReads {
  experimentReads(rules: { sequences: readonly Sequence[]; goals: readonly GoalFile[] }, now: number): Promise<ExperimentReads>;
  recordDecision(experiment: string, outcome: ExperimentOutcome, at: number): Promise<void>;
  sendTimeSignals(): Promise<SendTimeSignal[]>;
}

export interface TickContext {
  ctx: PlanContext;
  /** Keeps the decisions experiments reached for the first time (the elected worker does it, once per tick). */
  recordDecisions(): Promise<void>;
}

/**
 * The planning context of a tick at `now`: the experiments' allocations (from their counts at
 * `now`, as experimentsAtRun computes them) and the send-time counts, read from the database
 * first, then handed to the same planContext as SQLite's run. (`autoConclude`, which rewrites a
 * sequence file, is left to a SQLite run or `nurture experiments conclude`: several hosts
 * must not each edit their own copy of the workspace.)
 */
export async function tickContext(db: TickReads, workspace: Workspace, now: number): Promise<TickContext> {
  let rules: PlanRules = workspace;
  let recordDecisions = async () => {};
  if (experimentSteps(workspace.sequences).length > 0) {
    const goals = workspace.config.goals;
    const states = experimentStates(await db.experimentReads({ sequences: workspace.sequences, goals }, now), { sequences: workspace.sequences, goals }, now);
    const allocations = allocationsOf(states);
    if (allocations) rules = { ...workspace, allocations };
    recordDecisions = async () => {
      for (const s of states) {
        const outcome = s.verdict.outcome;
        if ((outcome.kind === 'winner' || outcome.kind === 'stopped') && JSON.stringify(outcome) !== JSON.stringify(s.stored?.outcome))
          await db.recordDecision(s.key, outcome, now);
      }
    };
  }
  const signals = workspace.policy.sendTime ? await db.sendTimeSignals() : undefined;
  const ctx = planContext(rules, undefined, undefined, signals ? (zoneDays) => countSendTimes(signals, zoneDays, workspace.policy.defaultZone) : undefined);
  return { ctx, recordDecisions };
}
