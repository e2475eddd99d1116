/**
 * Backoff between attempts at one message after a transient failure (4xx, a dropped connection,
 * a timeout): 15 minutes, then 30, 60, 120 … capped at a day. With hourly runs the first retries
 * happen at the next runs; a relay that is down for hours is not hammered.
 */
export const FIRST_RETRY_MS = 15 * 60_000;
export const MAX_RETRY_MS = 24 * 3_600_000;

export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}
