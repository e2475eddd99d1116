import { CLICK_AT_DELIVERY_MS, CLICK_BURST_MS, classifyOne, OPEN_AT_DELIVERY_MS } from './signals.js';
import type { Classification, SignalEvent } from './signal-types.js';

/** How far back the others of a new click matter: a burst is clicks within a second of each other. */
export const RECENT_MS = CLICK_BURST_MS;

/**
 * The class of a new open or click when its message's other opens and clicks cannot change it
 * (nor it theirs), so the link endpoint need not read them — the common case; undefined when they
 * can, and the whole message must be classified together (signals.ts classifyMessage).
 *
 * An open's only tie to the others is "first interaction within a minute of delivery": an open a
 * minute or more after delivery is judged alone (an earlier open is older still; a later one, at
 * or after it, is past that minute too). A click's tie is a burst: with no open or click of the
 * message in the last second (`othersRecent` false), it is judged alone, and turns no earlier
 * click into a burst. Worked example: delivered 10:00:00; an open at 13:02 (Chrome) is a person
 * without a query; a click at 10:00:09 with no click since 10:00:08 is a scanner by its timing
 * alone; a click at 10:00:09.5 after one at 10:00:09 needs the whole message.
 */
export function classifyIfIndependent(e: SignalEvent, deliveredAt: number | null, othersRecent: boolean): Classification | undefined {
  if (e.type === 'email_opened') {
    if (deliveredAt !== null && e.at - deliveredAt < OPEN_AT_DELIVERY_MS) return undefined;
    return classifyOne([e], 0, deliveredAt);
  }
  return othersRecent ? undefined : classifyOne([e], 0, deliveredAt);
}

/**
 * How long after its message's delivery a new open or click is settled: from then on, with (for
 * a click) no open or click of the message in the last RECENT_MS, classifyIfIndependent gives
 * what classifyAlone gives from the request alone — no delivery-time rule can fire any more — so
 * the link endpoint can classify first and find the message in the same statement that inserts.
 */
export const SETTLED_AFTER_DELIVERY_MS: Record<SignalEvent['type'], number> = {
  email_opened: OPEN_AT_DELIVERY_MS,
  email_clicked: CLICK_AT_DELIVERY_MS,
};
