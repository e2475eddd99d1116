import type { Database } from 'better-sqlite3';
import { ExperimentStore } from '../db/experiment-queries.js';
import type { Allocations } from '../domain/experiments/types.js';
import { concludeInFile } from '../workspace/conclude.js';
import type { Workspace } from '../workspace/load.js';
import { allocationsOf, type ExperimentState, experimentStates, experimentSteps } from './experiment-state.js';

/**
 * The experiments at the start of a run: their verdicts at `now`, a decision reached for the
 * first time kept (a decided test stays decided), and with `autoConclude` the winner written into
 * the sequence file. Returns the allocations the run plans with. A dry run records nothing.
 */
export function experimentsAtRun(
  sqlite: Database,
  workspace: Workspace,
  now: number,
  dryRun: boolean,
): { allocations?: Allocations; concluded: string[] } {
  if (experimentSteps(workspace.sequences).length === 0) return { concluded: [] };
  const states = experimentStates(sqlite, { sequences: workspace.sequences, goals: workspace.config.goals }, now);
  const concluded: string[] = [];
  if (!dryRun) {
    const store = new ExperimentStore(sqlite);
    for (const s of states) {
      const outcome = s.verdict.outcome;
      if ((outcome.kind === 'winner' || outcome.kind === 'stopped') && JSON.stringify(outcome) !== JSON.stringify(s.stored?.outcome))
        store.recordDecision(s.key, outcome, now);
      if (outcome.kind === 'winner' && s.config.autoConclude && !s.stored?.concludedAt) {
        conclude(workspace, s, outcome.variant, 'nurture run (autoConclude)', outcome.why, now);
        store.markConcluded(s.key, now);
        concluded.push(`${s.key}: ${outcome.variant}`);
      }
    }
  }
  const allocations = allocationsOf(states);
  return { ...(allocations ? { allocations } : {}), concluded };
}

export function conclude(workspace: Workspace, s: ExperimentState, variantId: string, who: string, why: string, at: number): void {
  const variant = s.variants.find((v) => v.id === variantId)!;
  const sequenceFile = workspace.sequenceFiles.get(s.sequence.id)!;
  concludeInFile(workspace.dir, { sequenceFile, sequenceId: s.sequence.id, stepId: s.step.id, variant, who, why, at });
}
