import type { EnrollmentState, LeadState } from './lead-plan.js';
import { type Reason, reason } from './placement.js';
import { type CadenceRules, CONVERSATION_EVENTS, type LeadEvent, type Stage } from './types.js';

/**
 * Cadence that follows the lead. Everything here depends only on the stage, the events up to
 * `now` and the sends, never on how much time has passed by itself — so with no new engagement
 * the pace changes only at a send or an event, which the forecast visits (invariant 7).
 */

/**
 * Sends (across all sequences) since the lead last opened or clicked, up to `now`. A sunset
 * starts a fresh count, so a recycled lead gets a full streak's chance again.
 */
export function unopenedStreak(state: LeadState, now: number): number {
  let lastEngaged = lastSunset(state.enrollments)?.endedAt ?? Number.NEGATIVE_INFINITY;
  for (const e of state.events) {
    if (e.at > now) break;
    if ((e.type === 'email_opened' || e.type === 'email_clicked') && e.at > lastEngaged) lastEngaged = e.at;
  }
  let streak = 0;
  for (const s of state.sends)
    if ((s.status === 'sent' || s.status === 'sending') && s.at > lastEngaged && s.at <= now) streak++;
  return streak;
}

/**
 * Why the lead is hot, or undefined: a hot stage, or a click or pricing visit since shortly
 * before the touch the wait counts from (`anchor`). Example with `within: P7D`: a pricing visit
 * two days before the last send, or any time since, makes the next wait shorter.
 */
export function hotSignal(
  rules: CadenceRules,
  state: LeadState,
  stage: Stage,
  anchor: number,
  now: number,
): string | undefined {
  if (rules.hot.stages.includes(stage)) return `stage ${stage}`;
  for (let i = state.events.length - 1; i >= 0; i--) {
    const e = state.events[i]!;
    if (e.at > now) continue;
    if (e.at <= anchor - rules.hot.withinMs) break;
    if (e.type === 'email_clicked') return 'a recent click';
    if (e.type === 'page_viewed' && rules.hot.urlContains.some((u) => e.url.toLowerCase().includes(u)))
      return `a recent pricing visit`;
  }
  return undefined;
}

/** The adaptive factor on a wait, with the reasons that set it. Hot never goes past the caps: placement still applies them. */
export function adaptiveScale(
  rules: CadenceRules,
  state: LeadState,
  stage: Stage,
  anchor: number,
  now: number,
): { factor: number; reasons: Reason[] } {
  const reasons: Reason[] = [];
  let factor = 1;
  const hot = hotSignal(rules, state, stage, anchor, now);
  if (hot && rules.hot.waitScale !== 1) {
    factor *= rules.hot.waitScale;
    reasons.push(reason('cadence', `hot lead (${hot}): waits ×${rules.hot.waitScale}`));
  }
  const streak = unopenedStreak(state, now);
  if (streak >= rules.unopened.slowAfter && rules.unopened.waitScale !== 1) {
    factor *= rules.unopened.waitScale;
    reasons.push(reason('cadence', `${streak} sends unopened in a row: waits ×${rules.unopened.waitScale}`));
  }
  return { factor, reasons };
}

/** Sunset: too many sends in a row unopened. The exit reason starts with "sunset" (the recycle gate reads it). */
export function sunsetReason(rules: CadenceRules, state: LeadState, now: number): string | undefined {
  const streak = unopenedStreak(state, now);
  return streak >= rules.unopened.sunsetAfter ? `sunset: ${streak} sends unopened in a row` : undefined;
}

/**
 * The reply, meeting or purchase that holds a lead out of new sequences: the last one at or
 * before `now`, unless a closed_lost came after it (that lead recycles, after its cool-down).
 */
export function openConversation(state: LeadState, now: number): LeadEvent | undefined {
  let open: LeadEvent | undefined;
  for (const e of state.events) {
    if (e.at > now) break;
    if (CONVERSATION_EVENTS.has(e.type)) open = e;
    else if (e.type === 'closed_lost') open = undefined;
  }
  return open;
}

/**
 * A lead who said no (a `closed_lost` event) or was sunset may only enter the recycle sequence,
 * and only after the cool-down. Returns when the cool-down started and why, or undefined.
 */
export function recycleCause(state: LeadState, now: number): { since: number; why: string } | undefined {
  let since: number | undefined;
  let why = '';
  for (const e of state.events) {
    if (e.at > now) break;
    if (e.type === 'closed_lost') {
      since = e.at;
      why = 'closed_lost';
    }
  }
  const sunset = lastSunset(state.enrollments);
  if (sunset && (since === undefined || sunset.endedAt! > since)) {
    since = sunset.endedAt!;
    why = 'sunset';
  }
  return since === undefined ? undefined : { since, why };
}

function lastSunset(enrollments: readonly EnrollmentState[]): EnrollmentState | undefined {
  let found: EnrollmentState | undefined;
  for (const e of enrollments)
    if (e.status === 'exited' && e.endedAt !== null && e.endedAt !== undefined && e.exitReason?.startsWith('sunset')) found = e;
  return found;
}

/** The documented defaults (README "Cadence"), as nurture.yaml's schema fills them in. */
export const DEFAULT_CADENCE: CadenceRules = {
  hot: { stages: ['desire', 'action'], withinMs: 7 * 86_400_000, urlContains: ['/pricing'], waitScale: 0.5 },
  unopened: { slowAfter: 3, waitScale: 2, sunsetAfter: 6 },
  recycle: { sequence: 'recycle', coolDownMs: 30 * 86_400_000 },
};
