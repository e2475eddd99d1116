import { nextWindowEdge } from '../domain/conditions/edges.js';
import type { Decision, LeadState, PlanContext } from '../domain/lead-plan.js';
import { nextTick } from '../domain/placement.js';
import { RUN_SCORE_STEP } from '../domain/score-moves.js';
import { DAY_MS } from '../time/clock.js';
import { memoScore, nextStageChange, type ScoreAt } from './stage-change.js';

/**
 * The longest a lead sleeps between two plans, whatever its wake reasons say: a bound on the cost
 * of a reason this module would miss (a week: 0.6% of the base an hour at most).
 */
export const MAX_SLEEP_MS = 7 * DAY_MS;

/**
 * When a lead planned at `now` (its state after the plan's bookkeeping, its outcome) must next be
 * planned, with no new input (issue 16, invariant 12). The earliest of:
 * - a touch due now: now (the run sends it, and the next run plans the step after it);
 * - a planned touch: its due time (while it is ahead) and the run that sends it;
 * - a cool-down, a season or a pause that ends (`until`, the pause's end);
 * - an event dated after `now` (imported ahead), which the runs see when its time comes;
 * - an event leaving a condition window (`within`): audiences, step conditions, exitWhen;
 * - decay alone moving the stage (pace, audience, exits) or the saved score by RUN_SCORE_STEP;
 * - MAX_SLEEP_MS.
 * The forecast visits the same moments (forecast.ts nextVisit). When in doubt this wakes early:
 * an early wake costs one replan; a late one would be a missed change.
 *
 * `savedScore`: the lead's score as saved after this run (domain/score-moves.ts).
 */
export function wakeAt(ctx: PlanContext, state: LeadState, outcome: Decision, now: number, savedScore: number | null): number {
  if (outcome.kind === 'send') return now;
  let wake = now + MAX_SLEEP_MS;
  const sooner = (t: number | undefined) => {
    if (t !== undefined && t > now && t < wake) wake = t;
  };
  if (outcome.kind === 'wait') {
    sooner(outcome.due);
    sooner(outcome.at);
  }
  if (outcome.kind === 'idle') sooner(outcome.until);
  const pause = state.profile.pause;
  if (pause && pause.until !== null) sooner(pause.until);
  sooner(state.events.find((e) => e.at > now)?.at);
  sooner(nextWindowEdge(ctx.sequences, state.events, now));
  // No event inside (now, wake) from here on: the score only decays, one way, until then.
  const every = ctx.policy.runEveryMs;
  const scoreAt = memoScore(ctx, state);
  // Both scans return the first run tick that sees the change; a run off the ticks may see it up
  // to one interval earlier.
  const stage = nextStageChange(ctx, state, scoreAt, now, wake);
  if (stage !== undefined) sooner(Math.max(now + 1, stage - every + 1));
  if (savedScore !== null) {
    const drift = nextScoreDrift(ctx, state, scoreAt, savedScore, now, wake);
    if (drift !== undefined) sooner(Math.max(now + 1, drift - every + 1));
  }
  return wake;
}

/**
 * The first run tick in (from, to) at which the score is RUN_SCORE_STEP (less the rounding band)
 * away from `saved`. With no event or send in between the exact score moves one way, so the
 * distance crosses the step once at most: a bisection over ticks finds it.
 */
function nextScoreDrift(ctx: PlanContext, state: LeadState, scoreAt: ScoreAt, saved: number, from: number, to: number): number | undefined {
  if (state.events.length === 0) return undefined;
  const every = ctx.policy.runEveryMs;
  const band = 0.01 * (ctx.scoring.engagement.length + 2);
  const far = (t: number) => Math.abs(scoreAt(t).score - saved) >= RUN_SCORE_STEP - band;
  let hi = nextTick(to, every) - every;
  let lo = nextTick(from + 1, every) - every;
  if (hi <= lo || !far(hi)) return undefined;
  if (far(lo)) return lo > from ? lo : nextTick(from + 1, every);
  while (hi - lo > every) {
    const mid = nextTick(lo + (hi - lo) / 2, every);
    if (mid >= hi) break;
    if (far(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
