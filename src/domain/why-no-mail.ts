import { formatWithOffset } from '../time/offsets.js';
import { openConversation, recycleCause } from './cadence.js';
import type { Decision, LeadState, PlanContext } from './lead-plan.js';
import { pauseAt } from './pause.js';
import { distanceToNextStage } from './stages.js';
import { IDLE_CAUSES, type IdleCause, SUPPRESSING_EVENTS } from './types.js';

/** Why a lead gets no mail now, as `explain`, the lead page and `leads show` say it. */
export interface NoMailReason {
  cause: IdleCause;
  text: string;
  /** When it ends by itself (a pause, a cool-down, a season), if it does. */
  until?: number;
}

export interface WhyInput {
  ctx: PlanContext;
  state: LeadState;
  now: number;
  /** The planner's outcome for the lead at `now` (settleLead): the same decision the run takes. */
  outcome: Decision;
  /** The lead's score at `now` (the unqualified lead is told how far it is from awareness). */
  score: number;
  zone: string;
  /** The stored suppression, when the lead row has one (which, and since when). */
  suppression?: { reason: string; at: number | null };
}

/**
 * The first reason a lead gets no mail, or undefined when a touch is planned. Pure: it reads the
 * planner's own outcome (so the run, the forecast and explain agree on the cause) and adds the
 * details a person needs: which suppression and when, how many points are missing, until when.
 * Example: `consent none; the policy requires confirmed`.
 */
export function whyNoMail(input: WhyInput): NoMailReason | undefined {
  const { ctx, state, now, outcome, zone } = input;
  const when = (t: number) => formatWithOffset(t, zone);
  if (outcome.kind === 'blocked') return consentReason(input);
  if (outcome.kind === 'wait') {
    const paused = pauseAt(state.profile, now);
    return paused && outcome.reasons.some((r) => r.rule === 'pause')
      ? { cause: 'paused', text: `paused until ${when(paused.until!)}`, until: paused.until! }
      : undefined;
  }
  if (outcome.kind !== 'idle') return undefined;
  const until = outcome.until;
  switch (outcome.cause) {
    case 'suppressed':
      return { cause: 'suppressed', text: suppressionText(input, when) };
    case 'consent':
      return consentReason(input);
    case 'paused':
      return until === undefined
        ? { cause: 'paused', text: 'paused until resumed (nurture leads resume)' }
        : { cause: 'paused', text: `paused until ${when(until)}`, until };
    case 'sequence-paused':
      return { cause: 'sequence-paused', text: `${outcome.reason} (paused: true in its file): its leads wait` };
    case 'unqualified': {
      const gap = distanceToNextStage(ctx.scoring.stages, 'unqualified', input.score);
      return {
        cause: 'unqualified',
        text: `unqualified: score ${input.score}, ${gap?.points ?? 0} point(s) below awareness (${ctx.scoring.stages.awareness})`,
      };
    }
    case 'sales-ready':
      return { cause: 'sales-ready', text: 'sales-ready: handed to sales, nurture stops' };
    case 'customer':
      return { cause: 'customer', text: 'customer: nurture stops' };
    case 'conversation': {
      const event = openConversation(state, now);
      const since = event ? ` (${event.type} ${when(event.at)})` : '';
      return { cause: 'conversation', text: `in a conversation with sales${since}: no new sequence until a closed_lost` };
    }
    case 'cool-down': {
      const cause = recycleCause(state, now);
      const target = ctx.policy.cadence.recycle.sequence;
      const since = cause ? ` after ${cause.why} ${when(cause.since)}` : '';
      return { cause: 'cool-down', text: `cooling down until ${when(until!)}${since}, then ${target}`, until };
    }
    case 'left-nurture':
      return { cause: 'left-nurture', text: outcome.reason };
    case 'season':
      return { cause: 'season', text: `${outcome.reason} until its season opens ${when(until!)}`, until };
    case 'no-sequence':
      return { cause: 'no-sequence', text: noSequenceText(ctx, state, outcome.reason) };
  }
}

function consentReason({ ctx, state }: WhyInput): NoMailReason {
  const consent = state.profile.consent;
  const required = ctx.policy.consent === 'confirmed' ? 'confirmed' : 'pending or confirmed';
  const hint = consent === 'pending' ? ' (the double opt-in link is not clicked yet)' : '';
  return { cause: 'consent', text: `consent ${consent}; the policy requires ${required}${hint}` };
}

function suppressionText({ state, now, suppression }: WhyInput, when: (t: number) => string): string {
  const event = state.events.find((e) => e.at <= now && SUPPRESSING_EVENTS.has(e.type));
  if (suppression) {
    const at = suppression.at ?? event?.at;
    return `suppressed: ${suppression.reason}${at === undefined ? '' : ` ${when(at)}`}`;
  }
  if (event) return `suppressed: ${event.type} ${when(event.at)}`;
  return 'suppressed: unsubscribed';
}

/** Which is it: no sequence takes the stage at all, or the lead has had every one that does. */
function noSequenceText(ctx: PlanContext, state: LeadState, reason: string): string {
  const stage = reason.replace(/^no sequence left for stage /, '');
  const taking = ctx.sequences.filter((s) => (s.audience.stages as string[]).includes(stage)).map((s) => s.id);
  if (taking.length === 0) return `no sequence takes stage ${stage}`;
  const had = taking.filter((id) => state.enrollments.some((e) => e.sequenceId === id));
  return `stage ${stage}: already had every sequence that takes it (${had.join(', ')})`;
}

/** The cause of an outcome, cheaply (no text): what `run` totals for the leads that get no mail. */
export function noMailCause(outcome: Decision): IdleCause | undefined {
  if (outcome.kind === 'idle') return outcome.cause;
  if (outcome.kind === 'blocked') return 'consent';
  return undefined;
}

/** How the run's summary names each cause (README "Why nothing happens"). */
export const IDLE_CAUSE_LABELS: Record<IdleCause, string> = {
  suppressed: 'suppressed',
  consent: 'consent below the policy',
  paused: 'paused',
  'sequence-paused': 'waiting for a paused sequence',
  unqualified: 'unqualified',
  'sales-ready': 'sales-ready (with sales)',
  customer: 'customers',
  conversation: 'in a conversation with sales',
  'cool-down': 'cooling down',
  'left-nurture': 'left nurture',
  season: 'waiting for a season',
  holdout: 'in a holdout (control group)',
  'no-sequence': 'no sequence takes their stage',
};

/** The totals keyed in the planner's order of causes (stable output whatever the lead order). */
export function inCauseOrder(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cause of IDLE_CAUSES) if (counts[cause]) out[cause] = counts[cause];
  return out;
}
