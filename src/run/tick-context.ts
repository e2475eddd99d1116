import { countSendTimes, type ProfileRow, segmentGroupsOf, type SendTimeSignal } from '../db/send-time-counts.js';
import type { ZoneDays } from '../time/zone-days.js';
import type { ExperimentOutcome } from '../domain/experiments/types.js';
import type { PlanContext } from '../domain/lead-plan.js';
import type { Sequence } from '../domain/types.js';
import type { Workspace } from '../workspace/load.js';
import type { GoalFile } from '../workspace/reporting-schema.js';
import { withConclusions } from '../workspace/concluded.js';
import { planContext } from './context.js';
import { conclude } from './experiment-run.js';
import { snapshotAt } from './plan-snapshot.js';
import { allocationsOf, type ExperimentReads, type ExperimentState, experimentStates, experimentSteps } from './experiment-state.js';

/** What a tick reads at its start that SQLite's run reads synchronously while it plans. */
export interface TickReads {
  experimentReads(rules: { sequences: readonly Sequence[]; goals: readonly GoalFile[] }, now: number): Promise<ExperimentReads>;
  recordDecision(experiment: string, outcome: ExperimentOutcome, at: number): Promise<void>;
  /**
   * Marks a decided experiment concluded, unless it already is: true for the one caller that
   * concluded it (a conditional update), which then rewrites its copy of the sequence file.
   */
  claimConclusion(experiment: string, at: number): Promise<boolean>;
  /**
   * The human opens and clicks stored up to the mark of `now`'s day (run/plan-snapshot.ts), kept by
   * the day's first tick, and with `profiles` the engaged leads' profiles (send-time segments).
   */
  sendTimeSignals(now: number, profiles: boolean): Promise<{ signals: SendTimeSignal[]; profiles: ProfileRow[] }>;
}

export interface TickContext {
  ctx: PlanContext;
  /** The workspace the tick plans, renders and digests with: concluded experiments folded in (workspace/concluded.ts). */
  workspace: Workspace;
  /**
   * Keeps the decisions experiments reached for the first time, and concludes those with
   * `autoConclude` (the elected worker does it, once per tick). Returns what it concluded.
   */
  recordDecisions(): Promise<string[]>;
}

/**
 * The winners concluded before `now`, by experiment key. Not one concluded at `now`: that is this
 * tick's own conclusion, which every worker of the tick plans alike (still the variants, the
 * winner taking all), however late it reads; the next tick plans the folded step, as SQLite's next
 * run plans its rewritten file.
 */
function concludedWinners(reads: ExperimentReads, now: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, d] of reads.decisions()) if (d.concludedAt !== null && d.concludedAt < now && d.outcome.kind === 'winner') out.set(key, d.outcome.variant);
  return out;
}

/** A decision reached at this moment that is not stored yet (a winner or a stop): what SQLite's run records first. */
const isNewDecision = (s: ExperimentState) =>
  (s.verdict.outcome.kind === 'winner' || s.verdict.outcome.kind === 'stopped') && JSON.stringify(s.verdict.outcome) !== JSON.stringify(s.stored?.outcome);

/** `reads` with the decisions of `states` reached now laid over the stored ones (as if already recorded). */
function withNewDecisions(reads: ExperimentReads, states: readonly ExperimentState[], now: number): ExperimentReads {
  const fresh = states.filter(isNewDecision);
  if (fresh.length === 0) return reads;
  return {
    armCounts: (...args) => reads.armCounts(...args),
    decisions: () => {
      const merged = new Map(reads.decisions());
      for (const s of fresh) merged.set(s.key, { outcome: s.verdict.outcome, decidedAt: now, concludedAt: s.stored?.concludedAt ?? null });
      return merged;
    },
  };
}

/**
 * The planning context of a tick at `now`: the experiments' allocations and the send-time counts
 * as of the day's snapshot (run/plan-snapshot.ts, as SQLite's run reads them), read from the database
 * first, then handed to the same planContext as SQLite's run.
 *
 * Experiments, as SQLite's run (run/experiment-run.ts) has them: a decision reached now counts for
 * this tick's allocations at once (SQLite records it before it plans), on every worker of the tick,
 * whether or not the elected worker has recorded it yet. `autoConclude` on several hosts: the
 * decision in the database is the truth every host plans by (withConclusions), and exactly one
 * process, the tick's elected worker that claims the conclusion, rewrites its copy of the
 * sequence file and appends to its audit log.
 */
export async function tickContext(db: TickReads, loaded: Workspace, now: number): Promise<TickContext> {
  let workspace = loaded;
  let recordDecisions = async (): Promise<string[]> => [];
  let allocations;
  if (experimentSteps(loaded.sequences).length > 0) {
    const goals = loaded.config.goals;
    const reads = await db.experimentReads({ sequences: loaded.sequences, goals }, now);
    workspace = withConclusions(loaded, concludedWinners(reads, now));
    const rulesOf = { sequences: workspace.sequences, goals };
    const states = experimentStates(reads, rulesOf, now);
    // Decisions as of now, allocations as of the day's start: what SQLite's run does (withAllocations).
    const day = snapshotAt(now);
    const dayReads = day === now ? reads : await db.experimentReads(rulesOf, day);
    allocations = allocationsOf(experimentStates(withNewDecisions(dayReads, states, now), rulesOf, day));
    recordDecisions = async () => {
      const concluded: string[] = [];
      for (const s of states) {
        const outcome = s.verdict.outcome;
        if (isNewDecision(s)) await db.recordDecision(s.key, outcome, now);
        if (outcome.kind === 'winner' && s.config.autoConclude && !s.stored?.concludedAt && (await db.claimConclusion(s.key, now))) {
          conclude(loaded, s, outcome.variant, 'nurture worker (autoConclude)', outcome.why, now);
          concluded.push(`${s.key}: ${outcome.variant}`);
        }
      }
      return concluded;
    };
  }
  const sendTime = workspace.policy.sendTime;
  const segments = sendTime?.segments ?? [];
  const read = sendTime ? await db.sendTimeSignals(now, segments.length > 0) : undefined;
  const counts = read
    ? (zoneDays: ZoneDays) =>
        countSendTimes(read.signals, zoneDays, workspace.policy.defaultZone, segments.length > 0 ? segmentGroupsOf(read.profiles, segments) : undefined)
    : undefined;
  const ctx = planContext(allocations ? { ...workspace, allocations } : workspace, undefined, undefined, counts);
  return { ctx, workspace, recordDecisions };
}
