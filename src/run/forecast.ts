import type { Connection } from '../db/connection.js';
import {
  advanceLead,
  applyDecision,
  type Decision,
  type LeadState,
  leadWhere,
  MAX_SENDS_PER_RUN,
  type PlanContext,
} from '../domain/lead-plan.js';
import { nextTick, type Reason } from '../domain/placement.js';
import type { Step } from '../domain/types.js';
import { scoreLead } from '../domain/scoring.js';
import { DAY_MS } from '../time/clock.js';
import type { Workspace } from '../workspace/load.js';
import { leadBatches, planContext, storesFor } from './context.js';
import { describeReasons, type TouchItem, touchItem } from './items.js';

export interface ForecastOptions {
  from: number;
  to: number;
  leadEmail?: string;
  sequenceId?: string;
  batchSize?: number;
}

export interface Forecast {
  from: string;
  to: string;
  items: TouchItem[];
}

/**
 * The calendar of future sends: the same `advanceLead` the run uses, driven forward on a
 * simulated clock that jumps from one planned touch to the next, assuming runs happen on the
 * schedule in nurture.yaml and no new engagement arrives. Reads the database, never writes.
 */
export function forecast(conn: Connection, workspace: Workspace, options: ForecastOptions): Forecast {
  const stores = storesFor(conn);
  const ctx = planContext(workspace);
  const items: TouchItem[] = [];
  const epochs: number[] = [];
  let only: number | undefined;
  if (options.leadEmail) {
    const lead = stores.leads.findByEmail(options.leadEmail);
    if (!lead)
      return { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString(), items };
    only = lead.id;
  }
  for (const batch of leadBatches(stores, options.batchSize ?? 2000, only)) {
    for (const lead of batch) {
      for (const item of forecastLead(ctx, lead.state, options.from, options.to, epochs)) {
        if (!options.sequenceId || item.sequence === options.sequenceId) items.push(item);
        else epochs.pop();
      }
    }
  }
  // Sort on epoch numbers (parsing the ISO text per comparison dominated at a million leads).
  const order = items.map((_, i) => i);
  order.sort((a, b) => epochs[a]! - epochs[b]! || items[a]!.lead.localeCompare(items[b]!.lead));
  return {
    from: new Date(options.from).toISOString(),
    to: new Date(options.to).toISOString(),
    items: order.map((i) => items[i]!),
  };
}

/**
 * Simulates one lead from `from` (a run moment) until `to`. Mutates `state`.
 *
 * The clock jumps from one planned touch to the next, but never past the first run that sees an
 * event already in the state and dated later (imported ahead, or a forecast from a past date):
 * the hourly runs react to it at that run — an exit, then the next sequence enrolled there — so
 * the forecast must too (invariant 7). Example: a touch waits for Monday, a `replied` event is
 * dated Friday 14:20; the runs exit at 15:00 Friday and enrol the next sequence then, not Monday.
 */
export function forecastLead(
  ctx: PlanContext,
  state: LeadState,
  from: number,
  to: number,
  epochs?: number[],
): TouchItem[] {
  const out: TouchItem[] = [];
  const zone = leadWhere(state.profile, ctx.policy).zone;
  const every = ctx.policy.runEveryMs;
  const nextEventRun = (after: number) => {
    const event = state.events.find((e) => e.at > after);
    return event === undefined ? Number.POSITIVE_INFINITY : nextTick(event.at, every);
  };
  let t = from;
  let sentAtT = 0;
  let waited: { step: Step; reasons: Reason[] } | undefined;
  const moveTo = (next: number) => {
    t = next;
    sentAtT = 0;
  };
  for (let guard = 0; guard < 10_000 && t < to; guard++) {
    if (sentAtT === MAX_SENDS_PER_RUN) {
      // The run stops after this many sends to one lead; the rest goes out at the next run.
      moveTo(nextTick(t + 1, every));
      continue;
    }
    const { outcome } = advanceLead(ctx, state, t);
    if (outcome.kind === 'send') {
      sentAtT++;
      epochs?.push(t);
      const { sequence, step } = outcome;
      // Why it goes out now: the rules that deferred it while it waited, then those of the send.
      const reasons = merge(waited?.step === step ? waited.reasons : [], outcome.reasons);
      out.push(touchItem(state.profile.email, zone, sequence.id, step.id, step.force, t, describeReasons(reasons), reasons));
      applyDecision(state, outcome, t);
      continue;
    }
    if (outcome.kind === 'wait') waited = { step: outcome.step, reasons: outcome.reasons };
    const next = nextVisit(ctx, state, outcome, t, Math.min(to, nextEventRun(t)));
    if (next === undefined || next >= to) break;
    moveTo(next);
  }
  return out;
}

function merge(before: readonly Reason[], now: readonly Reason[]): Reason[] {
  const all = [...before, ...now].filter((r) => r.rule !== 'due');
  const seen = new Set<string>();
  const out = all.filter((r) => !seen.has(`${r.rule}|${r.detail}`) && seen.add(`${r.rule}|${r.detail}`));
  return out.length > 0 ? out : [...now];
}

/**
 * The next run the forecast must visit after a wait or an idle outcome at `t`, or undefined when
 * nothing will change before `horizon` (the end, or the run that sees the next stored event).
 */
function nextVisit(ctx: PlanContext, state: LeadState, outcome: Decision, t: number, horizon: number): number | undefined {
  const every = ctx.policy.runEveryMs;
  let target: number;
  if (outcome.kind === 'wait') target = Math.min(outcome.at, horizon);
  // A cool-down or a season ends at `until`.
  else if (outcome.kind === 'idle' && outcome.until !== undefined) target = Math.min(nextTick(outcome.until, every), horizon);
  else if (outcome.kind === 'idle' && /^(stage|no sequence left)/.test(outcome.reason)) target = horizon;
  else return undefined;
  // Decay alone can change the stage (hot pace, audience, enrolment) before the target.
  return nextStageChange(ctx, state, t, target) ?? target;
}

/**
 * The first run tick in (from, to) at which the lead's stage differs from its stage at `from`.
 * Decay alone moves a score one way between events, so a day-by-day scan plus bisection finds
 * the change; but contributions are rounded one by one, so a score within a few hundredths of a
 * threshold can flicker across it for an hour — those days are scanned tick by tick.
 */
function nextStageChange(ctx: PlanContext, state: LeadState, from: number, to: number): number | undefined {
  if (state.events.length === 0) return undefined;
  const every = ctx.policy.runEveryMs;
  const scoreAt = (t: number) => scoreLead(ctx.scoring, state.profile, state.events, t, state.sends);
  const thresholds = Object.values(ctx.scoring.stages);
  const margin = 0.01 * (ctx.scoring.engagement.length + ctx.scoring.fit.length + 2);
  const near = (score: number) => thresholds.some((th) => Math.abs(score - th) <= margin);
  const first = scoreAt(from);
  const initial = first.stage;
  let lo = from;
  let loNear = near(first.score);
  // The last run before `to` is sampled too: a change in the final partial day still counts.
  const lastTick = nextTick(to, every) - every;
  for (let day = nextTick(from + 1, every); lo < lastTick; day += DAY_MS) {
    const hi = Math.min(nextTick(day, every), lastTick);
    if (hi <= lo) break;
    const s = scoreAt(hi);
    const hiNear = near(s.score);
    if (loNear || hiNear) {
      for (let t = nextTick(lo + 1, every); t < hi; t += every) if (scoreAt(t).stage !== initial) return t;
    }
    if (s.stage === initial) {
      lo = hi;
      loNear = hiNear;
      continue;
    }
    return loNear || hiNear ? hi : bisect(lo, hi, every, (t) => scoreAt(t).stage === initial);
  }
  return undefined;
}

/** The first tick in (a, b] where `same` turns false, given same(a) and !same(b). */
function bisect(a: number, b: number, every: number, same: (t: number) => boolean): number {
  while (b - a > every) {
    const mid = nextTick(a + (b - a) / 2, every);
    if (mid >= b) break;
    if (same(mid)) a = mid;
    else b = mid;
  }
  return b;
}
