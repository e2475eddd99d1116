import type { Connection } from '../db/connection.js';
import {
  applyDecision,
  type Decision,
  type LeadState,
  leadWhere,
  MAX_SENDS_PER_RUN,
  type PlanContext,
  settleLead,
} from '../domain/lead-plan.js';
import { nextTick, type Reason, sameReason } from '../domain/placement.js';
import { nextWindowEdge } from '../domain/conditions/edges.js';
import type { Step } from '../domain/types.js';
import type { Workspace } from '../workspace/load.js';
import { leadStateBatches, planContext, storesFor } from './context.js';
import { withAllocations } from './experiment-state.js';
import { describeReasons, type TouchItem, touchItem, withVariantItem } from './items.js';
import { memoScore, nextStageChange, type ScoreAt } from './stage-change.js';

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
  const ctx = planContext(withAllocations(conn.sqlite, workspace, options.from), conn.sqlite, options.from);
  const items: TouchItem[] = [];
  const epochs: number[] = [];
  let range: { afterId: number; lastId: number } | undefined;
  if (options.leadEmail) {
    const lead = stores.leads.findByEmail(options.leadEmail);
    if (!lead)
      return { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString(), items };
    range = { afterId: lead.id - 1, lastId: lead.id };
  }
  const leadEpochs: number[] = [];
  for (const batch of leadStateBatches(conn.sqlite, stores.leads, options.batchSize ?? 2000, range)) {
    for (const state of batch) {
      leadEpochs.length = 0;
      const found = forecastLead(ctx, state, options.from, options.to, leadEpochs);
      // Each kept touch with its own instant (a lead's touches of other sequences are left out).
      for (let i = 0; i < found.length; i++) {
        if (options.sequenceId && found[i]!.sequence !== options.sequenceId) continue;
        items.push(found[i]!);
        epochs.push(leadEpochs[i]!);
      }
    }
  }
  return {
    from: new Date(options.from).toISOString(),
    to: new Date(options.to).toISOString(),
    items: inForecastOrder(items, epochs),
  };
}

/**
 * The forecast's order: by instant (`epochs[i]` is item i's), then by address. Items that tie on
 * both keep the order they were planned in (lead id order), since the sort is stable.
 */
export function inForecastOrder(items: readonly TouchItem[], epochs: readonly number[]): TouchItem[] {
  // Sort on epoch numbers (parsing the ISO text per comparison dominated at a million leads),
  // then on each lead's rank in address order (comparing the text per tie cost as much again).
  const rank = leadRanks(items);
  const order = items.map((_, i) => i);
  order.sort((a, b) => epochs[a]! - epochs[b]! || rank[a]! - rank[b]!);
  return order.map((i) => items[i]!);
}

/**
 * Per item, its lead's place in `localeCompare` order; addresses that compare equal share a
 * place, so a stable sort on it orders ties exactly as comparing the addresses would.
 */
function leadRanks(items: readonly TouchItem[]): Float64Array {
  // One collator for the whole sort: `localeCompare` with no locale is this comparison, but it
  // looks the collator up on every call.
  const { compare } = new Intl.Collator();
  const leads = [...new Set(items.map((item) => item.lead))].sort(compare);
  const byLead = new Map<string, number>();
  let place = 0;
  leads.forEach((lead, i) => {
    if (i > 0 && compare(leads[i - 1]!, lead) !== 0) place++;
    byLead.set(lead, place);
  });
  return Float64Array.from(items, (item) => byLead.get(item.lead)!);
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
  /** Collects the steps a condition or a goto will pass over, with the reason (explain). */
  skips?: TouchItem[],
): TouchItem[] {
  const out: TouchItem[] = [];
  const zone = leadWhere(state.profile, ctx.policy).zone;
  const every = ctx.policy.runEveryMs;
  const scoreAt = memoScore(ctx, state);
  let t = from;
  let sentAtT = 0;
  let waited: { step: Step; reasons: Reason[] } | undefined;
  for (let guard = 0; guard < 10_000 && t < to; guard++) {
    if (sentAtT === MAX_SENDS_PER_RUN) {
      // The run stops after this many sends to one lead; the rest goes out at the next run.
      t = nextTick(t + 1, every);
      sentAtT = 0;
      continue;
    }
    const { outcome, bookkeeping } = settleLead(ctx, state, t, () => scoreAt(t).stage);
    if (skips)
      for (const d of bookkeeping)
        if (d.kind === 'skip') for (const s of d.steps) skips.push(touchItem(state.profile.email, zone, d.sequence.id, s.id, s.force, t, d.reason));
    if (outcome.kind === 'send') {
      sentAtT++;
      epochs?.push(t);
      const { sequence, step } = outcome;
      // Why it goes out now: the rules that deferred it while it waited, then those of the send.
      const { rules, text } = shared(merge(waited?.step === step ? waited.reasons : [], outcome.reasons));
      out.push(withVariantItem(touchItem(state.profile.email, zone, sequence.id, step.id, step.force, t, text, rules), outcome.variant));
      applyDecision(state, outcome, t);
      continue;
    }
    if (outcome.kind === 'wait') waited = { step: outcome.step, reasons: outcome.reasons };
    const next = nextVisit(ctx, state, scoreAt, outcome, t, Math.min(to, nextEventRun(state, t, every)));
    if (next === undefined || next >= to) break;
    t = next;
    sentAtT = 0;
  }
  return out;
}

/** The first run that sees a stored event dated after `after` (infinity when there is none). */
function nextEventRun(state: LeadState, after: number, every: number): number {
  const event = state.events.find((e) => e.at > after);
  return event === undefined ? Number.POSITIVE_INFINITY : nextTick(event.at, every);
}

interface SharedReasons {
  next: WeakMap<Reason, SharedReasons>;
  value?: { rules: Reason[]; text: string };
}
const sharedRoot: SharedReasons = { next: new WeakMap() };

/**
 * One reasons array and one description per distinct list of reasons (by identity; reasons are
 * interned), shared by every touch that gives it: 400,000 touches have a few hundred lists.
 */
function shared(reasons: Reason[]): { rules: Reason[]; text: string } {
  let node = sharedRoot;
  for (const r of reasons) {
    let child = node.next.get(r);
    if (!child) node.next.set(r, (child = { next: new WeakMap() }));
    node = child;
  }
  return (node.value ??= { rules: reasons, text: describeReasons(reasons) });
}

function merge(before: readonly Reason[], now: readonly Reason[]): Reason[] {
  const out: Reason[] = [];
  for (const list of [before, now])
    for (const r of list) if (r.rule !== 'due' && !out.some((o) => sameReason(o, r))) out.push(r);
  return out.length > 0 ? out : [...now];
}

/**
 * The next run the forecast must visit after a wait or an idle outcome at `t`, or undefined when
 * nothing will change before `horizon` (the end, or the run that sees the next stored event).
 */
function nextVisit(
  ctx: PlanContext,
  state: LeadState,
  scoreAt: ScoreAt,
  outcome: Decision,
  t: number,
  horizon: number,
): number | undefined {
  const every = ctx.policy.runEveryMs;
  let target: number;
  if (outcome.kind === 'wait') target = Math.min(outcome.at, horizon);
  // A cool-down or a season ends at `until`.
  else if (outcome.kind === 'idle' && outcome.until !== undefined) target = Math.min(nextTick(outcome.until, every), horizon);
  // A stage, or a conversation with sales (`event replied: …`), holds until an event or decay moves it.
  else if (outcome.kind === 'idle' && /^(stage|no sequence left|event )/.test(outcome.reason)) target = horizon;
  else return undefined;
  // An event leaving a condition window (`within`) can change an audience or an exitWhen.
  const edge = nextWindowEdge(ctx.sequences, state.events, t);
  if (edge !== undefined && edge < target) target = nextTick(edge, every);
  // Decay alone can change the stage (hot pace, audience, enrolment) before the target.
  return nextStageChange(ctx, state, scoreAt, t, target) ?? target;
}
