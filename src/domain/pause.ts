import { reason, type Reason } from './placement.js';
import type { LeadPause, LeadProfile } from './types.js';

/**
 * The pause in force at `now`, if any. `nurture leads pause` holds all mail to the lead until
 * `until` (null: until `nurture leads resume`); exits still happen meanwhile. When it ends, the
 * touches it held are placed as after any other delay: the wait counts from the last send, at
 * most one overdue touch goes out per run (placeStep's catch-up rule), and the caps apply.
 */
export function pauseAt(profile: LeadProfile, now: number): LeadPause | undefined {
  const pause = profile.pause;
  return pause && (pause.until === null || now < pause.until) ? pause : undefined;
}

/** The reason a touch waits for the end of a pause (`detail` names the end, e.g. a local date). */
export function pauseReason(detail: string): Reason {
  return reason('pause', `paused until ${detail}`);
}
