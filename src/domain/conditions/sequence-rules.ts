import type { ScoredEvent } from '../scoring-rules.js';
import type { Sequence, Step } from '../types.js';
import { eventMatches, holds, whyFails, whyHolds, windowStart } from './evaluate.js';
import type { ConditionInput } from './input.js';
import type { EventTest } from './types.js';

// What audiences, triggers and step conditions decide for one lead, as the planner asks it
// (lead-plan.ts calls these; they never read the clock or the store).

/**
 * Why the lead is in the sequence's audience beyond its stage ('' when the audience is stages
 * only), or undefined when it is not. A sequence with `enterOn` also needs its trigger event.
 */
export function entryWhy(sequence: Sequence, input: ConditionInput): string | undefined {
  let why = '';
  if (sequence.enterOn) {
    const event = triggerEvent(sequence.enterOn, input, -Infinity);
    if (!event) return undefined;
    why += `; enterOn ${describeTrigger(sequence.enterOn, event)}`;
  }
  const audience = sequence.audience.condition;
  if (audience) {
    // Most leads a run looks at are not in most audiences: test first, describe only a match.
    if (!holds(audience, input)) return undefined;
    why += `; ${whyHolds(audience, input)!}`;
  }
  return why;
}

/** The latest event that triggers `enterOn`, seen at `now`, dated after `after`. */
export function triggerEvent(trigger: EventTest, input: ConditionInput, after: number): ScoredEvent | undefined {
  const from = Math.max(windowStart(trigger, input), after);
  const events = input.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.at > input.now) continue;
    if (e.at < from || e.at <= after) break;
    if (eventMatches(trigger, e)) return e;
  }
  return undefined;
}

function describeTrigger(trigger: EventTest, event: ScoredEvent): string {
  return `${trigger.label.replace(/^did /, '')} (${event.type} at ${new Date(event.at).toISOString()})`;
}

/**
 * Why the active enrolment ends on a condition: `exitWhen` holds, or a higher-priority sequence
 * with `enterOn` and `interrupt: true` was triggered by an event after this enrolment began (the
 * lead leaves at this run, between two touches, and the next round enrols it there).
 */
const interrupters = new WeakMap<readonly Sequence[], boolean>();

/** Whether `conditionExit` can say anything for this sequence (most sequences have no exitWhen and no interrupter above). */
export function mayExitOnCondition(sequences: readonly Sequence[], sequence: Sequence): boolean {
  if (sequence.exitWhen) return true;
  let any = interrupters.get(sequences);
  if (any === undefined) interrupters.set(sequences, (any = sequences.some((s) => s.interrupt && s.enterOn)));
  return any;
}

export function conditionExit(
  sequences: readonly Sequence[],
  sequence: Sequence,
  enrolledBefore: ReadonlySet<string>,
  input: ConditionInput,
): string | undefined {
  if (sequence.exitWhen) {
    const why = whyHolds(sequence.exitWhen, input);
    if (why !== undefined) return `exitWhen: ${why}`;
  }
  for (const other of sequences) {
    if (other.priority <= sequence.priority) break;
    if (!other.interrupt || !other.enterOn || enrolledBefore.has(other.id)) continue;
    const event = triggerEvent(other.enterOn, input, (input.enrolledAt ?? Infinity) - 1);
    if (!event) continue;
    if (other.audience.condition && !holds(other.audience.condition, input)) continue;
    return `interrupted by ${other.id}: ${describeTrigger(other.enterOn, event)}`;
  }
  return undefined;
}

/** Content by segment: the first `content` entry whose condition holds, or the step's template. */
export function chooseContent(step: Step, input: ConditionInput): { template: string; why: string } {
  for (const entry of step.content ?? []) {
    const why = whyHolds(entry.when, input);
    if (why !== undefined) return { template: entry.template, why: `${why}: ${entry.template}` };
  }
  return { template: step.template, why: `default: ${step.template}` };
}

export type StepReaction = { skip: false } | { skip: true; reason: string; to?: string };

/**
 * A step's `when`/`unless`, evaluated when it falls due (the run that would send it): skipped
 * with the reason, or sent to its `else` step. Example: `unless: { did: [{ event: page_viewed,
 * urlContains: /pricing, since: enrolled }] }` skips the pricing mail for a lead who visited
 * /pricing after enrolling — "unless did page_viewed url contains /pricing since enrolment".
 */
export function stepReaction(step: Step, input: ConditionInput): StepReaction {
  let reason: string | undefined;
  if (step.when) {
    const failed = whyFails(step.when, input);
    if (failed !== undefined) reason = `when ${failed}: does not hold`;
  }
  if (reason === undefined && step.unless) {
    const why = whyHolds(step.unless, input);
    if (why !== undefined) reason = `unless ${why}`;
  }
  if (reason === undefined) return { skip: false };
  return step.else === undefined ? { skip: true, reason } : { skip: true, reason: `${reason}: goes to ${step.else}`, to: step.else };
}

/**
 * The steps a `goto` passes over: when the last step sent before `index` jumps past it. Steps
 * are sent at most once, so a jump always goes forward (checked when the workspace loads).
 */
export function gotoPast(sequence: Sequence, index: number, sentIds: ReadonlySet<string>): Step | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const step = sequence.steps[i]!;
    if (!sentIds.has(step.id)) continue;
    if (step.goto === undefined) return undefined;
    const target = sequence.steps.findIndex((s) => s.id === step.goto);
    return target > index ? step : undefined;
  }
  return undefined;
}
