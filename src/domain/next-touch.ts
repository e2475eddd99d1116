import { addDuration } from '../time/duration.js';
import { addLocalDays, localDayAndMinute } from '../time/wall-clock.js';
import { dayNumberToDate, weekdayOfDayNumber } from '../time/zone-days.js';
import { adaptiveScale } from './cadence.js';
import type { Decision, EnrollmentState, LeadState, PlanContext, SendRecord } from './lead-plan.js';
import { closedDay, paceFor, seasonPace } from './pace.js';
import { type PlacementInput, placeTouch, type Reason, reason } from './placement.js';
import { sendTimePlacement } from './send-time/place.js';
import type { Where, WindowContext } from './send-window.js';
import type { Sequence, Stage } from './types.js';
import { parseWait, scaleWait, type Wait } from './waits.js';

const isDone = (r: SendRecord | undefined) => r !== undefined && r.status !== 'failed' && r.status !== 'planned';
const isSent = (r: SendRecord) => r.status === 'sent' || r.status === 'sending';

/**
 * The enrolment's next step and when it is due. Safe under edits in flight: the wait counts from
 * the last send of this enrolment whatever its step (so a changed wait reschedules from there and
 * a removed step is simply gone), and a step added before the last one sent is passed, not sent.
 */
export function nextStep(sequence: Sequence, state: LeadState, enrollment: EnrollmentState) {
  const records = new Map<string, SendRecord>();
  let previousAt = enrollment.enrolledAt;
  let sentInSequence = false;
  for (const r of state.sends) {
    if (r.sequenceId !== sequence.id) continue;
    records.set(r.stepId, r);
    if (isSent(r)) {
      sentInSequence = true;
      if (r.at > previousAt) previousAt = r.at;
    }
  }
  let lastDone = -1;
  sequence.steps.forEach((s, i) => {
    if (isDone(records.get(s.id))) lastDone = i;
  });
  const step = sequence.steps.slice(lastDone + 1).find((s) => !isDone(records.get(s.id)));
  return { step, previousAt, sentInSequence };
}

export interface DueInput {
  ctx: PlanContext;
  state: LeadState;
  sequence: Sequence;
  where: Where;
  wait: string;
  previousAt: number;
  stage: Stage;
  now: number;
}

/** When a step is due: its wait, scaled by the sales-cycle tier, the season and the lead's cadence. */
export function dueTime(input: DueInput): { due: number; reasons: Reason[] } {
  const { ctx, where, previousAt } = input;
  const parsed = parseWait(input.wait);
  if (!parsed) throw new Error(`step of ${input.sequence.id} has an invalid wait ${input.wait}`);
  const reasons: Reason[] = [];
  let factor = 1;
  if (!isZero(parsed)) {
    const tier = paceFor(ctx.policy, input.sequence).tier;
    if (tier && tier.waitScale !== 1) {
      factor *= tier.waitScale;
      reasons.push(reason('sales-cycle', `sales cycle ${input.sequence.salesCycle}: waits ×${tier.waitScale}`));
    }
    if (ctx.policy.seasons.length > 0) {
      const season = seasonPace(ctx.policy, localDayAndMinute(where.zone, previousAt).dayNumber);
      factor /= season.factor;
      reasons.push(...season.reasons);
    }
    const adaptive = adaptiveScale(ctx.policy.cadence, input.state, input.stage, previousAt, input.now);
    factor *= adaptive.factor;
    reasons.push(...adaptive.reasons);
  }
  const wait = scaleWait(parsed, factor);
  if (wait.kind === 'business') {
    reasons.push(reason('business-days', `${wait.days} business days`));
    return { due: addBusinessDays(ctx.windows, where, previousAt, wait.days), reasons };
  }
  return { due: addDuration(previousAt, wait.duration, where.zone), reasons };
}

const isZero = (w: Wait) => (w.kind === 'business' ? w.days === 0 : w.duration.approxMs === 0);

/** The same wall time `days` business days later: send days that are not public holidays. */
export function addBusinessDays(windows: WindowContext, where: Where, from: number, days: number): number {
  const start = localDayAndMinute(where.zone, from).dayNumber;
  let d = start;
  for (let left = days, guard = 0; left > 0; guard++) {
    if (guard > 400) throw new Error(`no business day within 400 days in ${where.zone}`);
    d++;
    if (!windows.window.days.includes(weekdayOfDayNumber(d))) continue;
    if (where.country && windows.holidays?.holidayOn(where.country, dayNumberToDate(d))) continue;
    left--;
  }
  return addLocalDays(where.zone, from, d - start);
}

export interface TouchInput extends DueInput {
  step: NonNullable<ReturnType<typeof nextStep>['step']>;
  /** True for the enrolment's first touch: it never lands on the local day of the previous one. */
  firstOfEnrollment: boolean;
  sentAt: readonly number[];
  /** Not due before this moment (the end of a lead's pause), with the reason to give. */
  notBefore?: { at: number; reason: Reason };
}

/** Places the step: send now, or wait until the moment every rule allows, with the reasons. */
export function placeStep(input: TouchInput): Decision {
  const { ctx, sequence, step, where, now } = input;
  const pace = paceFor(ctx.policy, sequence);
  let { due, reasons } = dueTime(input);
  if (input.notBefore && due < input.notBefore.at) {
    due = input.notBefore.at;
    reasons = [...reasons, input.notBefore.reason];
  }
  const last = input.sentAt.at(-1);
  if (input.firstOfEnrollment && last !== undefined) {
    const dayEnd = ctx.windows.zoneDays.dayOf(where.zone, last).endMs;
    // Decided from the due time alone, not `now`: a run after that day must anchor the touch
    // where the runs on that day did (send-time's slot range starts there; invariant 7).
    if (due < dayEnd) {
      due = dayEnd;
      reasons = [...reasons, reason('sequence-switch', 'no second touch on the day of the last one')];
    }
  }
  // At most one overdue touch per lead per run: after an edit, a backlog goes out one run at a
  // time, each under the caps (chaining waits from the last send already spaces most of it).
  if (due < now - ctx.policy.runEveryMs && last === now) {
    due = now + 1;
    reasons = [...reasons, reason('catch-up', 'one overdue touch per run')];
  }
  const touch: PlacementInput = {
    now,
    due,
    where,
    sentAt: input.sentAt,
    policy: pace.policy,
    windows: ctx.windows,
    closedDay: pace.season || ctx.policy.seasons.length > 0 ? (d) => closedDay(ctx.policy, pace, d) : undefined,
  };
  let placement = placeTouch(touch);
  if (ctx.sendTime)
    placement = sendTimePlacement(ctx.sendTime, touch, placement, {
      email: input.state.profile.email,
      profile: input.state.profile,
      sequenceId: sequence.id,
      stepId: step.id,
      events: input.state.events,
    });
  const moved = placement.reasons.filter((r) => r.rule !== 'due' || reasons.length === 0);
  const all = [...reasons, ...moved];
  if (placement.sendNow) return { kind: 'send', sequence, step, at: now, reasons: all };
  return { kind: 'wait', sequence, step, at: placement.at, due, reasons: all };
}
