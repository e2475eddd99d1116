import { reason, type Reason } from '../placement.js';
import type { Where, WindowContext } from '../send-window.js';
import type { LeadEvent } from '../types.js';
import { hourOfWeekLabel } from './hour-of-week.js';
import { keyedUnit } from './keyed-hash.js';
import { leadHourCounts, type SendTimeModel } from './model.js';
import { candidateSlots } from './slots.js';

/** The prefix of the evidence of a lead in the send-time control group (the report splits on it). */
export const SEND_TIME_HOLDOUT = 'holdout';

export interface SlotChoiceInput {
  model: SendTimeModel;
  email: string;
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

/** Stable per lead: the same lead is in the control group in every run, the forecast and after a restart. */
export function inSendTimeHoldout(model: SendTimeModel, email: string): boolean {
  return model.settings.holdout > 0 && keyedUnit('send-time-holdout', email.trim().toLowerCase()) < model.settings.holdout;
}

/**
 * Where inside [first open moment, + maxDelay] the touch goes: the control group keeps the first
 * open moment; a seeded share (a keyed hash of lead, step and the local day of the first open
 * moment, so the forecast and the runs draw the same) goes to a slot drawn uniformly; the rest to
 * the slot of highest propensity, the earliest on a tie (so with no opens anywhere, the first open
 * moment). Pure: nothing here reads `now`, so every run before the slot chooses the same one.
 */
export function chooseSlot(input: SlotChoiceInput): SlotChoice {
  const { model, first } = input;
  const { settings } = model;
  if (inSendTimeHoldout(model, input.email))
    return { at: first, reason: reason('send-time', `${SEND_TIME_HOLDOUT}: first open moment kept (the ${percent(settings.holdout)} control group)`) };
  const slots = candidateSlots({ ...input, settings });
  const day = input.windows.zoneDays.dayOf(input.where.zone, first).dayNumber;
  const key = `${input.email.trim().toLowerCase()}|${input.sequenceId}|${input.stepId}|${day}`;
  if (settings.explore > 0 && keyedUnit('send-time-explore', key) < settings.explore) {
    const slot = slots[Math.floor(keyedUnit('send-time-slot', key) * slots.length)]!;
    return { at: slot.at, reason: reason('send-time', `explore: ${hourOfWeekLabel(slot.bin)}, a seeded exploratory slot (${percent(settings.explore)} of sends)`) };
  }
  const zone = input.where.zone;
  const propensity = model.propensity(input.email, leadHourCounts(input.windows.zoneDays, zone, input.events, input.now));
  let best = slots[0]!;
  for (const s of slots) if (propensity.theta[s.bin]! > propensity.theta[best.bin]!) best = s;
  const evidence = model.evidenceFor(propensity, best.bin);
  const label = hourOfWeekLabel(best.bin);
  const counted = `${evidence.count} of ${evidence.total} human opens and clicks`;
  const detail =
    evidence.total === 0
      ? 'workspace prior: no human opens or clicks yet, first open moment'
      : evidence.level === 'lead'
        ? `${label}: ${counted}`
        : evidence.level === 'domain'
          ? `${label}: ${counted} at ${propensity.domain}`
          : `workspace prior: ${label}: ${counted}`;
  return { at: best.at, reason: reason('send-time', detail) };
}
