import type { FailureKind } from './smtp-status.js';

/**
 * Backoff between attempts at one message after a temporary refusal (4xx to RCPT TO or DATA):
 * 15 minutes, then 30, 60, 120 … capped at a day. With hourly runs the first retries happen at
 * the next runs; a recipient's server that is struggling is not hammered.
 */
export const FIRST_RETRY_MS = 15 * 60_000;
export const MAX_RETRY_MS = 24 * 3_600_000;

export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** What becomes of a touch whose recipient or message was refused (a transport fault never gets here). */
export interface FailureOutcome {
  /** `failed`: retried by a later run, not before `retryAt`; `skipped`: final. */
  status: 'failed' | 'skipped';
  /** Kept on the outbox row. */
  reason: string;
  /** Said in the run's report, with the server's reply. */
  report: string;
  retryAt: number;
  /** A hard bounce: the address is never mailed again. */
  suppress: boolean;
}

export interface FailureInput {
  kind: Exclude<FailureKind, 'transport'>;
  response: string;
  /** Attempts so far, this one included. */
  attempts: number;
  /** The run moment of this touch's first temporary failure (this run's when it is the first). */
  firstFailedAt: number;
  now: number;
  softBounceAfter: { text: string; ms: number };
}

/**
 * A temporary refusal is retried with backoff until `softBounceAfter` has passed since the first
 * one (the last retry is placed at that deadline), then given up as a soft bounce. Worked example
 * with the default P3D and hourly runs in a 9–17 window: first 450 on Tuesday 10:00, retries at
 * 11:00, 11:00+, 12:00, 14:00, 18:00 → Wednesday 09:00 (window), … the attempt at or after Friday
 * 10:00 that is refused again gives it up. A permanent refusal is final at once.
 */
export function afterFailure(input: FailureInput): FailureOutcome {
  const { kind, response, now } = input;
  switch (kind) {
    case 'soft': {
      const deadline = input.firstFailedAt + input.softBounceAfter.ms;
      if (now >= deadline)
        return {
          status: 'skipped',
          reason: `soft bounce: gave up after ${input.softBounceAfter.text} of temporary failures`,
          report: `soft bounce: given up after ${input.softBounceAfter.text} and ${input.attempts} attempts; last reply: ${response}`,
          retryAt: now,
          suppress: false,
        };
      return {
        status: 'failed',
        reason: 'send failed; will retry',
        report: `will retry: ${response}`,
        retryAt: Math.min(now + retryDelayMs(input.attempts), deadline),
        suppress: false,
      };
    }
    case 'hard-bounce':
      return { status: 'skipped', reason: 'hard bounce: the address does not exist', report: `hard bounce: ${response}`, retryAt: now, suppress: true };
    case 'policy':
      return { status: 'skipped', reason: 'refused by policy (lead not suppressed)', report: `refused by policy: ${response}`, retryAt: now, suppress: false };
    case 'rejected':
      return { status: 'skipped', reason: 'rejected by the mail server', report: `rejected: ${response}`, retryAt: now, suppress: false };
  }
}
