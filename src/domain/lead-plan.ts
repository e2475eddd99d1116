import { addDuration, parseDuration } from '../time/duration.js';
import { consentAllowsMail } from './consent.js';
import { type Placement, placeTouch, type Reason } from './placement.js';
import { type LeadScore, type ScoringModel, scoreLead } from './scoring.js';
import type { Where, WindowContext } from './send-window.js';
import type { LeadEvent, LeadProfile, Policy, Sequence, Step } from './types.js';
import { NURTURE_STAGES, SUPPRESSING_EVENTS } from './types.js';

export type EnrollmentStatus = 'active' | 'completed' | 'exited';

export interface EnrollmentState {
  sequenceId: string;
  enrolledAt: number;
  status: EnrollmentStatus;
  endedAt?: number;
  exitReason?: string;
}

/**
 * planned: the next touch, not yet due or not yet sent; sent: delivered; sending: claimed but
 * never confirmed (a crash mid-send) — never resent blindly; failed: a transient failure, retried;
 * skipped: decided not to send (or rejected for good), never retried.
 */
export type SendStatus = 'planned' | 'sent' | 'sending' | 'failed' | 'skipped';

export interface SendRecord {
  sequenceId: string;
  stepId: string;
  status: SendStatus;
  at: number;
}

export interface LeadState {
  profile: LeadProfile;
  /** Ascending by time. */
  events: readonly LeadEvent[];
  enrollments: EnrollmentState[];
  sends: SendRecord[];
  suppressed: boolean;
}

export interface PlanContext {
  policy: Policy;
  /** Ordered by priority (highest first), then id. */
  sequences: readonly Sequence[];
  scoring: ScoringModel;
  windows: WindowContext;
}

export type Decision =
  | { kind: 'exit'; sequenceId: string; reason: string }
  | { kind: 'complete'; sequenceId: string }
  | { kind: 'enroll'; sequenceId: string; reason: string }
  | { kind: 'send'; sequence: Sequence; step: Step; at: number; reasons: Reason[] }
  | { kind: 'wait'; sequence: Sequence; step: Step; at: number; due: number; reasons: Reason[] }
  | { kind: 'blocked'; sequence: Sequence; step: Step; reason: string }
  | { kind: 'idle'; reason: string };

export function leadWhere(profile: LeadProfile, policy: Policy): Where {
  return {
    zone: profile.timezone || policy.defaultZone,
    country: policy.holidays ? profile.country || policy.defaultCountry : '',
  };
}

function isDone(record: SendRecord | undefined): boolean {
  return record !== undefined && record.status !== 'failed' && record.status !== 'planned';
}

/**
 * The one next thing to do for a lead at `now`. Pure: the same state and `now` give the same
 * decision (invariant 6). The run and the forecast both call it through `advanceLead`.
 */
export function decide(ctx: PlanContext, state: LeadState, now: number, score: () => LeadScore): Decision {
  const active = state.enrollments.find((e) => e.status === 'active');
  const blockedByConsent = !consentAllowsMail(state.profile.consent, ctx.policy);
  // A suppressing event counts at once, whether or not the suppression flag was stored yet
  // (events import keeps the event; only a bounce in a run sets the flag) — invariant 2.
  const suppressing = state.events.find((e) => e.at <= now && SUPPRESSING_EVENTS.has(e.type));
  const unsubscribed = state.suppressed || state.profile.consent === 'unsubscribed' || !!suppressing;
  if (active) {
    const sequence = ctx.sequences.find((s) => s.id === active.sequenceId);
    if (!sequence)
      return { kind: 'exit', sequenceId: active.sequenceId, reason: 'sequence removed from workspace' };
    if (unsubscribed) {
      const reason = suppressing ? `event ${suppressing.type}` : 'suppressed';
      return { kind: 'exit', sequenceId: sequence.id, reason };
    }
    const exitEvent = state.events.find(
      (e) => e.at >= active.enrolledAt && e.at <= now && sequence.exitOn.includes(e.type),
    );
    if (exitEvent) return { kind: 'exit', sequenceId: sequence.id, reason: `event ${exitEvent.type}` };
    const stage = score().stage;
    if (stage === 'sales-ready' || stage === 'customer')
      return { kind: 'exit', sequenceId: sequence.id, reason: `stage ${stage}` };
    return nextTouch(ctx, state, active, sequence, now, blockedByConsent);
  }
  if (unsubscribed)
    return { kind: 'idle', reason: 'suppressed: no mail after an unsubscribe, bounce or complaint' };
  if (blockedByConsent)
    return {
      kind: 'idle',
      reason: `consent ${state.profile.consent} does not meet policy ${ctx.policy.consent}`,
    };
  const stage = score().stage;
  if (!(NURTURE_STAGES as readonly string[]).includes(stage))
    return { kind: 'idle', reason: `stage ${stage}` };
  const enrolledBefore = new Set(state.enrollments.map((e) => e.sequenceId));
  const follow = followOn(ctx, state);
  if (follow && !enrolledBefore.has(follow.id))
    return { kind: 'enroll', sequenceId: follow.id, reason: 'follows the completed sequence' };
  const fitting = ctx.sequences.find((s) => s.audience.stages.includes(stage) && !enrolledBefore.has(s.id));
  if (!fitting) return { kind: 'idle', reason: `no sequence left for stage ${stage}` };
  return { kind: 'enroll', sequenceId: fitting.id, reason: `stage ${stage}, priority ${fitting.priority}` };
}

function followOn(ctx: PlanContext, state: LeadState): Sequence | undefined {
  const last = state.enrollments.filter((e) => e.status === 'completed').at(-1);
  const next = last && ctx.sequences.find((s) => s.id === last.sequenceId)?.then;
  return next ? ctx.sequences.find((s) => s.id === next) : undefined;
}

function nextTouch(
  ctx: PlanContext,
  state: LeadState,
  enrollment: EnrollmentState,
  sequence: Sequence,
  now: number,
  blockedByConsent: boolean,
): Decision {
  const records = new Map<string, SendRecord>();
  for (const r of state.sends) if (r.sequenceId === sequence.id) records.set(r.stepId, r);
  let previousAt = enrollment.enrolledAt;
  for (const step of sequence.steps) {
    const record = records.get(step.id);
    if (isDone(record)) {
      if (record!.status === 'sent' || record!.status === 'sending') previousAt = record!.at;
      continue;
    }
    if (blockedByConsent) {
      return {
        kind: 'blocked',
        sequence,
        step,
        reason: `consent ${state.profile.consent} does not meet policy ${ctx.policy.consent}`,
      };
    }
    const where = leadWhere(state.profile, ctx.policy);
    const wait = parseDuration(step.wait);
    if (!wait) throw new Error(`step ${sequence.id}/${step.id} has an invalid wait ${step.wait}`);
    const due = addDuration(previousAt, wait, where.zone);
    const placement: Placement = placeTouch({
      now,
      due,
      where,
      sentAt: sentInstants(state),
      policy: ctx.policy,
      windows: ctx.windows,
    });
    if (placement.sendNow) return { kind: 'send', sequence, step, at: now, reasons: placement.reasons };
    return { kind: 'wait', sequence, step, at: placement.at, due, reasons: placement.reasons };
  }
  return { kind: 'complete', sequenceId: sequence.id };
}

function sentInstants(state: LeadState): number[] {
  const out: number[] = [];
  for (const r of state.sends) if (r.status === 'sent' || r.status === 'sending') out.push(r.at);
  return out.sort((a, b) => a - b);
}

/** Applies a bookkeeping decision (exit, complete, enroll) to the in-memory state. */
export function applyDecision(state: LeadState, decision: Decision, now: number): void {
  if (decision.kind === 'exit' || decision.kind === 'complete') {
    const e = state.enrollments.find((x) => x.status === 'active' && x.sequenceId === decision.sequenceId);
    if (e) {
      e.status = decision.kind === 'exit' ? 'exited' : 'completed';
      e.endedAt = now;
      if (decision.kind === 'exit') e.exitReason = decision.reason;
    }
  } else if (decision.kind === 'enroll') {
    state.enrollments.push({ sequenceId: decision.sequenceId, enrolledAt: now, status: 'active' });
  } else if (decision.kind === 'send') {
    state.sends.push({ sequenceId: decision.sequence.id, stepId: decision.step.id, status: 'sent', at: now });
  }
}

/**
 * The most touches one run sends to one lead (one per round): a backlog due at once — e.g. a
 * chain of P0D steps with no cap or gap — goes out over successive runs. The forecast follows
 * the same bound so that it shows what the runs will really send (invariant 7).
 */
export const MAX_SENDS_PER_RUN = 8;

export interface Advance {
  /** Exits, completions and enrolments applied, in order. */
  bookkeeping: Decision[];
  /** The touch to send now, a touch waiting for later, or why nothing is planned. */
  outcome: Decision;
  score: LeadScore;
}

/**
 * Advances a lead at `now` through bookkeeping decisions until it reaches a send, a wait or
 * nothing to do. Stops at a send: the caller delivers it, records it, and advances again.
 */
export function advanceLead(ctx: PlanContext, state: LeadState, now: number): Advance {
  let cached: LeadScore | undefined;
  const score = () => {
    cached ??= scoreLead(ctx.scoring, state.profile, state.events, now);
    return cached;
  };
  const bookkeeping: Decision[] = [];
  for (let guard = 0; guard < 4 * ctx.sequences.length + 8; guard++) {
    const decision = decide(ctx, state, now, score);
    if (decision.kind === 'exit' || decision.kind === 'complete' || decision.kind === 'enroll') {
      applyDecision(state, decision, now);
      bookkeeping.push(decision);
      continue;
    }
    return { bookkeeping, outcome: decision, score: score() };
  }
  throw new Error(`lead ${state.profile.email} did not settle at ${new Date(now).toISOString()}`);
}
