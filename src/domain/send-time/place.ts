import { type Placement, type PlacementInput, placeTouch, reason } from '../placement.js';
import type { LeadEvent, LeadProfile } from '../types.js';
import { chooseSlot, SEND_TIME_HOLDOUT } from './choose.js';
import type { SendTimeModel } from './model.js';

export interface SendTimeLead {
  email: string;
  /** For the lead's segments (send-time/segments.ts). */
  profile?: LeadProfile;
  sequenceId: string;
  stepId: string;
  events: readonly LeadEvent[];
}

/**
 * Today's placement moved to the lead's best slot, when send-time optimisation is on.
 *
 * The first open moment is found from the due time alone (as if a run came at every tick), not
 * from `now`: so every run before the slot, and the forecast, anchor the same range and choose
 * the same slot, and the run at that slot sends it (invariant 7). The slot is placed again through
 * placeTouch, the same caps, gap, window, holiday and season checks as any touch: a slot those
 * rules refuse is never used. A slot already past (a run missed, a long pause ended) gives way to
 * today's placement.
 */
export function sendTimePlacement(model: SendTimeModel, touch: PlacementInput, placement: Placement, lead: SendTimeLead): Placement {
  const { now, due, policy } = touch;
  const first = due >= now && now % policy.runEveryMs === 0 ? placement.at : placeTouch({ ...touch, now: Number.NEGATIVE_INFINITY }).at;
  const choice = chooseSlot({
    model,
    ...lead,
    where: touch.where,
    windows: touch.windows,
    runEveryMs: policy.runEveryMs,
    first,
    now,
    closedDay: touch.closedDay,
  });
  const kept = (detail = choice.reason) => ({ ...placement, reasons: [...placement.reasons, detail] });
  if (choice.reason.detail.startsWith(SEND_TIME_HOLDOUT)) return kept();
  if (choice.at < now) return kept(reason('send-time', 'the chosen slot has passed: first open moment from now'));
  if (choice.at === placement.at) return kept();
  const moved = placeTouch({ ...touch, due: choice.at });
  if (moved.at !== choice.at) return kept(reason('send-time', 'the chosen slot is not allowed: first open moment'));
  return { at: choice.at, sendNow: choice.at === now, reasons: [...placement.reasons.filter((r) => r.rule !== 'due'), choice.reason] };
}
