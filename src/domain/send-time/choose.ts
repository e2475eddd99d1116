import { reason, type Reason } from '../placement.js';
import type { Where, WindowContext } from '../send-window.js';
import type { LeadEvent, LeadProfile } from '../types.js';
import { hourLabel, hourOfWeekLabel } from './hour-of-week.js';
import { keyedUnit } from './keyed-hash.js';
import { leadHourCounts, type SendTimeModel } from './model.js';
import { candidateSlots, type Slot } from './slots.js';
import type { Propensity } from './types.js';

/** The prefix of the evidence of a lead in the send-time control group (the report splits on it). */
export const SEND_TIME_HOLDOUT = 'holdout';

export interface SlotChoiceInput {
  model: SendTimeModel;
  email: string;
  /** The lead's fields, for its segments (none given: no segment level). */
  profile?: LeadProfile;
  sequenceId: string;
  stepId: string;
  /** The lead's events (human opens and clicks only: the planner never loads machine ones). */
  events: readonly LeadEvent[];
  where: Where;
  windows: WindowContext;
  runEveryMs: number;
  /** The first open moment, found by placeTouch independently of `now`. */
  first: number;
  /** The run's time: only the lead's events up to it count. */
  now: number;
  closedDay?: (dayNumber: number) => unknown;
}

export interface SlotChoice {
  at: number;
  reason: Reason;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/**
 * Reasons that do not name the lead's own counts, made once per model, level and hour: most leads
 * are placed by the workspace's or their domain's counts, and a million placements should not
 * build a million strings.
 */
const shared = new WeakMap<SendTimeModel, Map<string, Reason[]>>();
function sharedReason(model: SendTimeModel, scope: string, bin: number, detail: () => string): Reason {
  let byScope = shared.get(model);
  if (!byScope) shared.set(model, (byScope = new Map()));
  let byBin = byScope.get(scope);
  if (!byBin) byScope.set(scope, (byBin = []));
  return (byBin[bin] ??= reason('send-time', detail()));
}

/**
 * Stable per lead: the same lead is in the control group in every run, the forecast and after a
 * restart. Keyed by the address as stored (imports store it lower-cased).
 */
export function inSendTimeHoldout(model: SendTimeModel, email: string): boolean {
  return model.settings.holdout > 0 && keyedUnit('send-time-holdout', email) < model.settings.holdout;
}

/**
 * Where inside [first open moment, + maxDelay] the touch goes: the control group keeps the first
 * open moment; a seeded share (a keyed hash of lead, step and the local day of the first open
 * moment, so the forecast and the runs draw the same) goes to a slot drawn uniformly; the rest to
 * the slot of highest propensity, the earliest on a tie (so with no opens anywhere, the first open
 * moment). Nothing here reads the clock: every run before the slot chooses the same one.
 */
export function chooseSlot(input: SlotChoiceInput): SlotChoice {
  const { model, first } = input;
  const { settings } = model;
  if (inSendTimeHoldout(model, input.email))
    return { at: first, reason: sharedReason(model, 'holdout', 0, () => `${SEND_TIME_HOLDOUT}: first open moment kept (the ${percent(settings.holdout)} control group)`) };
  const slots = candidateSlots({ first, where: input.where, windows: input.windows, runEveryMs: input.runEveryMs, settings, closedDay: input.closedDay });
  const day = slots[0]!.day;
  if (settings.explore > 0 && keyedUnit('send-time-explore', input.email, input.sequenceId, input.stepId, day) < settings.explore) {
    const slot = slots[Math.floor(keyedUnit('send-time-slot', input.email, input.sequenceId, input.stepId, day) * slots.length)]!;
    const why = () => `explore: ${hourOfWeekLabel(slot.bin)}, a seeded exploratory slot (${percent(settings.explore)} of sends)`;
    return { at: slot.at, reason: sharedReason(model, 'explore', slot.bin, why) };
  }
  const own = leadHourCounts(input.windows.zoneDays, input.where.zone, input.events, input.now, model.scratch.counts);
  const propensity = model.propensity(input.email, own, true, input.profile);
  if (propensity.level === 'lead') return bestSlot(model, slots, propensity);
  // Leads with no opens of their own share their level's shares: one choice per slot list.
  let byShares = sharedChoices.get(slots);
  if (!byShares) sharedChoices.set(slots, (byShares = new Map()));
  let choice = byShares.get(propensity.theta);
  if (!choice) byShares.set(propensity.theta, (choice = bestSlot(model, slots, propensity)));
  return choice;
}

/** By slot list (slots.ts memoises them per zone and first open moment), then by the shares of the level above the lead. */
const sharedChoices = new WeakMap<readonly Slot[], Map<ArrayLike<number>, SlotChoice>>();

/** The slot of highest share, the earliest on a tie, with the evidence of the level that decided. */
function bestSlot(model: SendTimeModel, slots: readonly Slot[], propensity: Propensity): SlotChoice {
  const theta = propensity.theta;
  let best = slots[0]!;
  for (const s of slots) if (theta[s.bin]! > theta[best.bin]!) best = s;
  const evidence = model.evidenceFor(propensity, best.bin);
  const label = () => hourOfWeekLabel(best.bin);
  const counted = () => `${evidence.count} of ${evidence.total} human opens and clicks${evidence.anyDay ? ` at ${hourLabel(best.bin)} on any day` : ''}`;
  if (evidence.total === 0) return { at: best.at, reason: sharedReason(model, 'none', 0, () => 'workspace prior: no human opens or clicks yet, first open moment') };
  if (evidence.level === 'lead') return { at: best.at, reason: reason('send-time', `${label()}: ${counted()}`) };
  if (evidence.level === 'domain')
    return { at: best.at, reason: sharedReason(model, `domain ${propensity.domain}`, best.bin, () => `${label()}: ${counted()} at ${propensity.domain}`) };
  if (evidence.level === 'segment') {
    const pool = propensity.segment!.label;
    const named = pool.includes(' + ') ? `segments ${pool}` : `segment ${pool}`;
    return { at: best.at, reason: sharedReason(model, `segment ${pool}`, best.bin, () => `${label()}: ${counted()} in ${named}`) };
  }
  return { at: best.at, reason: sharedReason(model, 'workspace', best.bin, () => `workspace prior: ${label()}: ${counted()}`) };
}
