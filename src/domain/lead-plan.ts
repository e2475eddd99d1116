import { openConversation, recycleCause, sunsetReason } from './cadence.js';
import type { ConditionInput, ScoreParts } from './conditions/input.js';
import { chooseContent, conditionExit, entryWhy, gotoPast, mayExitOnCondition, stepReaction } from './conditions/sequence-rules.js';
import { reason as ruleReason } from './placement.js';
import { consentAllowsMail } from './consent.js';
import { GLOBAL_HOLDOUT_PREFIX, heldOutWhere, holdoutExit, inGlobalHoldout } from './holdout.js';
import { nextStep, placeStep } from './next-touch.js';
import { paceFor } from './pace.js';
import { pauseAt, pauseReason } from './pause.js';
import type { Reason } from './placement.js';
import { type LeadScore, type ScoringModel, scoreLead } from './scoring.js';
import type { Where, WindowContext } from './send-window.js';
import { formatWithOffset } from '../time/offsets.js';
import type { IdleCause, LeadEvent, LeadProfile, Policy, Sequence, Stage, Step } from './types.js';
import { NURTURE_STAGES, SUPPRESSING_EVENTS } from './types.js';

export type EnrollmentStatus = 'active' | 'completed' | 'exited';

export interface EnrollmentState {
  sequenceId: string;
  enrolledAt: number;
  status: EnrollmentStatus;
  endedAt?: number | null;
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
  /** `template`: chosen by the step's `content` (else the step's own). */
  | { kind: 'send'; sequence: Sequence; step: Step; at: number; reasons: Reason[]; template?: string }
  | { kind: 'wait'; sequence: Sequence; step: Step; at: number; due: number; reasons: Reason[] }
  | { kind: 'blocked'; sequence: Sequence; step: Step; reason: string }
  /** Steps passed over: a `when`/`unless` that skipped the step (or sent it to `else`), or a `goto`. */
  | { kind: 'skip'; sequence: Sequence; steps: Step[]; reason: string }
  /** `until`: the moment the lead may be enrolled again with no new event (a cool-down, a season). */
  | { kind: 'idle'; reason: string; until?: number; cause: IdleCause };

export function leadWhere(profile: LeadProfile, policy: Policy): Where {
  return {
    zone: profile.timezone || policy.defaultZone,
    country: policy.holidays ? profile.country || policy.defaultCountry : '',
  };
}

/**
 * The one next thing to do for a lead at `now`. Pure: the same state and `now` give the same
 * decision (invariant 6). The run and the forecast both call it through `advanceLead`.
 */
export function decide(
  ctx: PlanContext,
  state: LeadState,
  now: number,
  stageNow: () => Stage,
  scoreNow?: () => ScoreParts,
): Decision {
  const input = conditionInput(ctx, state, now, stageNow, scoreNow);
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
    const exit = exitReason(ctx, state, active, sequence, now, stageNow());
    if (exit) return { kind: 'exit', sequenceId: sequence.id, reason: exit };
    return nextTouch(ctx, state, active, sequence, now, blockedByConsent, stageNow(), input);
  }
  if (unsubscribed)
    return { kind: 'idle', cause: 'suppressed', reason: 'suppressed: no mail after an unsubscribe, bounce or complaint' };
  if (blockedByConsent)
    return {
      kind: 'idle',
      cause: 'consent',
      reason: `consent ${state.profile.consent} does not meet policy ${ctx.policy.consent}`,
    };
  const pause = pauseAt(state.profile, now);
  if (pause) return pausedIdle(pause.until);
  return enrollment(ctx, state, now, stageNow(), input);
}

/** What audiences and step conditions read of the lead at `now` (the score only when one asks). */
function conditionInput(
  ctx: PlanContext,
  state: LeadState,
  now: number,
  stage: () => Stage,
  scoreNow?: () => ScoreParts,
): ConditionInput {
  let score = scoreNow;
  if (!score) {
    let cached: ScoreParts | undefined;
    score = () => (cached ??= scoreLead(ctx.scoring, state.profile, state.events, now, state.sends));
  }
  return { profile: state.profile, events: state.events, now, stage, score };
}

/**
 * Why the active enrolment ends now, if it does: an exit event, sales-ready, a stage the
 * sequence no longer accepts (warming from interest to desire moves the lead to the evaluators'
 * sequence; cooling to unqualified leaves nurture), or a sunset after an unopened streak.
 */
function exitReason(
  ctx: PlanContext,
  state: LeadState,
  active: EnrollmentState,
  sequence: Sequence,
  now: number,
  stage: Stage,
): string | undefined {
  const exitEvent = state.events.find(
    (e) => e.at >= active.enrolledAt && e.at <= now && sequence.exitOn.includes(e.type),
  );
  if (exitEvent) return `event ${exitEvent.type}`;
  if (stage === 'sales-ready' || stage === 'customer') return `stage ${stage}`;
  if (stage === 'unqualified') return 'stage unqualified: leaves nurture';
  // A stage outside the audience moves the lead only where a sequence it has not had yet takes
  // it (so a `then` into another audience holds); recycled leads stay put until done.
  if (!sequence.audience.stages.includes(stage) && sequence.id !== ctx.policy.cadence.recycle.sequence) {
    const target = ctx.sequences.find(
      (s) => s.audience.stages.includes(stage) && !state.enrollments.some((e) => e.sequenceId === s.id),
    );
    if (target) return `stage ${stage}: moves to ${target.id}`;
  }
  return sunsetReason(ctx.policy.cadence, state, now);
}

function pausedIdle(until: number | null): Decision {
  return until === null
    ? { kind: 'idle', cause: 'paused', reason: 'paused until resumed' }
    : { kind: 'idle', cause: 'paused', reason: 'paused', until };
}

const sequencePaused = (s: Sequence): Decision => ({ kind: 'idle', cause: 'sequence-paused', reason: `sequence ${s.id} is paused` });

function enrollment(ctx: PlanContext, state: LeadState, now: number, stage: Stage, input: ConditionInput): Decision {
  if (!(NURTURE_STAGES as readonly string[]).includes(stage))
    return { kind: 'idle', cause: stage === 'unqualified' || stage === 'customer' ? stage : 'sales-ready', reason: `stage ${stage}` };
  if (inGlobalHoldout(state)) return { kind: 'idle', cause: 'holdout', reason: `${GLOBAL_HOLDOUT_PREFIX}: kept out of all nurture` };
  const heldOut = heldOutWhere(state, ctx.sequences, stage);
  if (heldOut) return { kind: 'idle', cause: 'holdout', reason: heldOut };
  const conversation = openConversation(state, now);
  if (conversation)
    return {
      kind: 'idle',
      cause: 'conversation',
      reason: `event ${conversation.type}: with sales now, no new sequence (a closed_lost recycles the lead)`,
    };
  const enrolledBefore = new Set(state.enrollments.map((e) => e.sequenceId));
  const recycle = recycleCause(state, now);
  if (recycle) {
    const { sequence: id, coolDownMs } = ctx.policy.cadence.recycle;
    const target = id === null ? undefined : ctx.sequences.find((s) => s.id === id);
    if (!target || enrolledBefore.has(target.id))
      return { kind: 'idle', cause: 'left-nurture', reason: `${recycle.why}: no recycle sequence left, leaves nurture` };
    const until = recycle.since + coolDownMs;
    if (now < until)
      return { kind: 'idle', cause: 'cool-down', reason: `${recycle.why}: cool-down before ${target.id}`, until };
    if (target.paused) return sequencePaused(target);
    return { kind: 'enroll', sequenceId: target.id, reason: `${recycle.why}: recycled after the cool-down` };
  }
  const follow = followOn(ctx, state);
  if (follow && !enrolledBefore.has(follow.id))
    return follow.paused ? sequencePaused(follow) : { kind: 'enroll', sequenceId: follow.id, reason: 'follows the completed sequence' };
  const zone = leadWhere(state.profile, ctx.policy).zone;
  let today: number | undefined;
  let nextSeason: number | undefined;
  for (const s of ctx.sequences) {
    if (!s.audience.stages.includes(stage) || enrolledBefore.has(s.id)) continue;
    const entry = entryWhy(s, input);
    if (entry === undefined) continue;
    const season = paceFor(ctx.policy, s).season;
    if (season) {
      today ??= ctx.windows.zoneDays.dayOf(zone, now).dayNumber;
      if (!season.days.contains(today)) {
        const d = season.days.nextDay(today, true);
        if (d !== undefined && (nextSeason === undefined || d < nextSeason)) nextSeason = d;
        continue;
      }
    }
    // The lead waits for the sequence it would enter rather than falling through to the next one.
    if (s.paused) return sequencePaused(s);
    return { kind: 'enroll', sequenceId: s.id, reason: `stage ${stage}, priority ${s.priority}${entry}` };
  }
  const until = nextSeason === undefined ? undefined : ctx.windows.zoneDays.day(zone, nextSeason).startMs;
  return until
    ? { kind: 'idle', cause: 'season', reason: `no sequence left for stage ${stage}`, until }
    : { kind: 'idle', cause: 'no-sequence', reason: `no sequence left for stage ${stage}` };
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
  stage: Stage,
  leadInput: ConditionInput,
): Decision {
  const { step, previousAt, sentInSequence } = nextStep(sequence, state, enrollment);
  if (!step) return { kind: 'complete', sequenceId: sequence.id };
  const input = { ...leadInput, enrolledAt: enrollment.enrolledAt, previousAt };
  if (mayExitOnCondition(ctx.sequences, sequence)) {
    const enrolledBefore = new Set(state.enrollments.map((e) => e.sequenceId));
    const conditionEnd = conditionExit(ctx.sequences, sequence, enrolledBefore, input);
    if (conditionEnd) return { kind: 'exit', sequenceId: sequence.id, reason: conditionEnd };
  }
  const jumped = jumpedOver(sequence, step, state);
  if (jumped) return jumped;
  if (blockedByConsent) {
    return {
      kind: 'blocked',
      sequence,
      step,
      reason: `consent ${state.profile.consent} does not meet policy ${ctx.policy.consent}`,
    };
  }
  if (sequence.paused) return sequencePaused(sequence);
  const pause = pauseAt(state.profile, now);
  if (pause?.until === null) return pausedIdle(null);
  const where = leadWhere(state.profile, ctx.policy);
  const decision = placeStep({
    ctx,
    state,
    sequence,
    step,
    where,
    wait: step.wait,
    previousAt,
    stage,
    now,
    firstOfEnrollment: !sentInSequence,
    sentAt: sentInstants(state),
    notBefore: pause ? { at: pause.until!, reason: pauseReason(formatWithOffset(pause.until!, where.zone)) } : undefined,
  });
  // A sequence limited to a season ends when its next touch cannot go out before the season
  // does. Decided from the placement (not from `now`), so the forecast sees it at the same run.
  const season = paceFor(ctx.policy, sequence).season;
  if (season && decision.kind === 'wait') {
    const days = ctx.windows.zoneDays;
    const from = days.dayOf(where.zone, Math.max(now, decision.due)).dayNumber;
    const firstOut = season.days.nextDay(from, false);
    if (firstOut !== undefined && firstOut <= days.dayOf(where.zone, decision.at).dayNumber)
      return { kind: 'exit', sequenceId: sequence.id, reason: `season ${season.id} is over` };
  }
  // A step's condition is read when it falls due: at the run that would send it.
  if (decision.kind === 'send' && (step.when || step.unless)) {
    const reaction = stepReaction(step, input);
    if (reaction.skip) return { kind: 'skip', sequence, steps: stepsUpTo(sequence, step, reaction.to), reason: reaction.reason };
  }
  if (decision.kind === 'send' && step.content) return withContent(decision, chooseContent(step, input));
  return decision;
}

function withContent(decision: Extract<Decision, { kind: 'send' }>, chosen: { template: string; why: string }): Decision {
  return { ...decision, template: chosen.template, reasons: [...decision.reasons, ruleReason('content', chosen.why)] };
}

/** The step, and with a target the steps after it before the target. */
function stepsUpTo(sequence: Sequence, step: Step, target: string | undefined): Step[] {
  const from = sequence.steps.indexOf(step);
  const to = target === undefined ? from + 1 : sequence.steps.findIndex((s) => s.id === target);
  return sequence.steps.slice(from, Math.max(to, from + 1));
}

/** A step that a `goto` of the step sent before it passes over: skipped up to the goto's target. */
function jumpedOver(sequence: Sequence, step: Step, state: LeadState): Decision | undefined {
  if (!sequence.steps.some((s) => s.goto !== undefined)) return undefined;
  const sent = new Set<string>();
  for (const r of state.sends) if (r.sequenceId === sequence.id && (r.status === 'sent' || r.status === 'sending')) sent.add(r.stepId);
  const source = gotoPast(sequence, sequence.steps.indexOf(step), sent);
  if (!source) return undefined;
  return { kind: 'skip', sequence, steps: stepsUpTo(sequence, step, source.goto), reason: `goto ${source.goto} after ${source.id}` };
}

function sentInstants(state: LeadState): number[] {
  const out: number[] = [];
  let ascending = true;
  for (const r of state.sends) {
    if (r.status !== 'sent' && r.status !== 'sending') continue;
    if (out.length > 0 && r.at < out[out.length - 1]!) ascending = false;
    out.push(r.at);
  }
  // Sends are mostly recorded in time order: sort only when they are not.
  return ascending ? out : out.sort((a, b) => a - b);
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
  } else if (decision.kind === 'skip') {
    for (const step of decision.steps) state.sends.push({ sequenceId: decision.sequence.id, stepId: step.id, status: 'skipped', at: now });
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
    cached ??= scoreLead(ctx.scoring, state.profile, state.events, now, state.sends);
    return cached;
  };
  const settled = settleLead(ctx, state, now, () => score().stage, score);
  return { ...settled, score: score() };
}

const stepCounts = new WeakMap<readonly Sequence[], number>();
function stepCount(sequences: readonly Sequence[]): number {
  let n = stepCounts.get(sequences);
  if (n === undefined) stepCounts.set(sequences, (n = sequences.reduce((sum, s) => sum + s.steps.length, 0)));
  return n;
}

/**
 * `advanceLead` without the score breakdown: `stageNow` gives the lead's stage at `now` and should
 * remember it (it is asked once per round; bookkeeping never changes what the score reads).
 */
export function settleLead(
  ctx: PlanContext,
  state: LeadState,
  now: number,
  stageNow: () => Stage,
  scoreNow?: () => ScoreParts,
): Omit<Advance, 'score'> {
  const bookkeeping: Decision[] = [];
  // Skipped steps are bookkeeping too: at most one round per step.
  for (let guard = 0; guard < 4 * ctx.sequences.length + 8 + stepCount(ctx.sequences); guard++) {
    const decision = decide(ctx, state, now, stageNow, scoreNow);
    if (decision.kind === 'exit' || decision.kind === 'complete' || decision.kind === 'enroll' || decision.kind === 'skip') {
      applyDecision(state, decision, now);
      bookkeeping.push(decision);
      const held = decision.kind === 'enroll' ? holdoutExit(ctx, state.profile, decision.sequenceId) : undefined;
      if (held) {
        applyDecision(state, held, now);
        bookkeeping.push(held);
      }
      continue;
    }
    return { bookkeeping, outcome: decision };
  }
  throw new Error(`lead ${state.profile.email} did not settle at ${new Date(now).toISOString()}`);
}
