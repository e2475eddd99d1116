import type { Connection } from '../db/connection.js';
import {
  advanceLead,
  applyDecision,
  type LeadState,
  leadWhere,
  MAX_SENDS_PER_RUN,
  type PlanContext,
} from '../domain/lead-plan.js';
import { nextTick } from '../domain/placement.js';
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
  let only: number | undefined;
  if (options.leadEmail) {
    const lead = stores.leads.findByEmail(options.leadEmail);
    if (!lead)
      return { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString(), items };
    only = lead.id;
  }
  for (const batch of leadBatches(stores, options.batchSize ?? 2000, only)) {
    for (const lead of batch) {
      for (const item of forecastLead(ctx, lead.state, options.from, options.to)) {
        if (!options.sequenceId || item.sequence === options.sequenceId) items.push(item);
      }
    }
  }
  items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.lead.localeCompare(b.lead));
  return { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString(), items };
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
export function forecastLead(ctx: PlanContext, state: LeadState, from: number, to: number): TouchItem[] {
  const out: TouchItem[] = [];
  const zone = leadWhere(state.profile, ctx.policy).zone;
  const every = ctx.policy.runEveryMs;
  const nextEventRun = (after: number) => {
    const event = state.events.find((e) => e.at > after);
    return event === undefined ? Number.POSITIVE_INFINITY : nextTick(event.at, every);
  };
  let t = from;
  let sentAtT = 0;
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
      out.push(
        touchItem(
          state.profile.email,
          zone,
          outcome.sequence.id,
          outcome.step.id,
          outcome.step.force,
          t,
          describeReasons(outcome.reasons),
          outcome.reasons,
        ),
      );
      applyDecision(state, outcome, t);
      continue;
    }
    const horizon = Math.min(to, nextEventRun(t));
    if (outcome.kind === 'wait') {
      moveTo(Math.min(outcome.at, horizon));
      continue;
    }
    if (outcome.kind === 'idle' && /^(stage|no sequence left)/.test(outcome.reason)) {
      // Decay can move a lead between stages with no new event; find the first run that sees it.
      const change = nextStageChange(ctx, state, t, horizon);
      if (change === undefined && horizon >= to) break;
      moveTo(change ?? horizon);
      continue;
    }
    break;
  }
  return out;
}

/** The first run tick in (from, to) at which the lead's stage differs from its stage at `from`. */
function nextStageChange(ctx: PlanContext, state: LeadState, from: number, to: number): number | undefined {
  if (state.events.length === 0) return undefined;
  const every = ctx.policy.runEveryMs;
  const stageAt = (t: number) => scoreLead(ctx.scoring, state.profile, state.events, t).stage;
  const initial = stageAt(from);
  let lo = from;
  for (let day = nextTick(from + 1, every); day < to; day += DAY_MS) {
    const hi = Math.min(nextTick(day, every), to);
    if (stageAt(hi) === initial) {
      lo = hi;
      continue;
    }
    // Bisect on ticks between lo (same stage) and hi (changed).
    let a = lo;
    let b = hi;
    while (b - a > every) {
      const mid = nextTick(a + (b - a) / 2, every);
      if (mid >= b) break;
      if (stageAt(mid) === initial) a = mid;
      else b = mid;
    }
    return b;
  }
  return undefined;
}
