import { countSendTimes, type ProfileRow, segmentGroupsOf, type SendTimeSignal } from '../db/send-time-counts.js';
import type { ZoneDays } from '../time/zone-days.js';
import type { ExperimentOutcome } from '../domain/experiments/types.js';
import type { PlanContext } from '../domain/lead-plan.js';
import type { Sequence } from '../domain/types.js';
import type { Workspace } from '../workspace/load.js';
import type { GoalFile } from '../workspace/reporting-schema.js';
import { type PlanRules, planContext } from './context.js';
import { snapshotAt } from './plan-snapshot.js';
import { allocationsOf, type ExperimentReads, experimentStates, experimentSteps } from './experiment-state.js';

/** What a tick reads at its start that SQLite's run reads synchronously while it plans. */
export interface TickReads {
  experimentReads(rules: { sequences: readonly Sequence[]; goals: readonly GoalFile[] }, now: number): Promise<ExperimentReads>;
  recordDecision(experiment: string, outcome: ExperimentOutcome, at: number): Promise<void>;
  /**
   * The human opens and clicks stored up to the mark of `now`'s day (run/plan-snapshot.ts), kept by
   * the day's first tick, and with `profiles` the engaged leads' profiles (send-time segments).
   */
  sendTimeSignals(now: number, profiles: boolean): Promise<{ signals: SendTimeSignal[]; profiles: ProfileRow[] }>;
}

export interface TickContext {
  ctx: PlanContext;
  /** Keeps the decisions experiments reached for the first time (the elected worker does it, once per tick). */
  recordDecisions(): Promise<void>;
}

/**
 * The planning context of a tick at `now`: the experiments' allocations and the send-time counts
 * as of the day's snapshot (run/plan-snapshot.ts, as SQLite's run reads them), read from the database
 * first, then handed to the same planContext as SQLite's run. (`autoConclude`, which rewrites a
 * sequence file, is left to a SQLite run or `nurture experiments conclude`: several hosts
 * must not each edit their own copy of the workspace.)
 */
export async function tickContext(db: TickReads, workspace: Workspace, now: number): Promise<TickContext> {
  let rules: PlanRules = workspace;
  let recordDecisions = async () => {};
  if (experimentSteps(workspace.sequences).length > 0) {
    const goals = workspace.config.goals;
    const rulesOf = { sequences: workspace.sequences, goals };
    const states = experimentStates(await db.experimentReads(rulesOf, now), rulesOf, now);
    // Decisions as of now, allocations as of the day's start: what SQLite's run does (withAllocations).
    const day = snapshotAt(now);
    const allocations = allocationsOf(day === now ? states : experimentStates(await db.experimentReads(rulesOf, day), rulesOf, day));
    if (allocations) rules = { ...workspace, allocations };
    recordDecisions = async () => {
      for (const s of states) {
        const outcome = s.verdict.outcome;
        if ((outcome.kind === 'winner' || outcome.kind === 'stopped') && JSON.stringify(outcome) !== JSON.stringify(s.stored?.outcome))
          await db.recordDecision(s.key, outcome, now);
      }
    };
  }
  const sendTime = workspace.policy.sendTime;
  const segments = sendTime?.segments ?? [];
  const read = sendTime ? await db.sendTimeSignals(now, segments.length > 0) : undefined;
  const counts = read
    ? (zoneDays: ZoneDays) =>
        countSendTimes(read.signals, zoneDays, workspace.policy.defaultZone, segments.length > 0 ? segmentGroupsOf(read.profiles, segments) : undefined)
    : undefined;
  const ctx = planContext(rules, undefined, undefined, counts);
  return { ctx, recordDecisions };
}
