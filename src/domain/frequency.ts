import type { CapRule } from './types.js';

export interface FrequencyVerdict {
  /** The earliest instant ≥ the candidate that satisfies every cap and the minimum gap. */
  at: number;
  /** The rule that pushed the candidate later, if any. */
  rule?: 'min-gap' | 'cap';
  detail?: string;
}

/**
 * Applies the per-lead caps (rolling windows, across all sequences) and the minimum gap to a
 * candidate instant. `sentAt` holds the lead's earlier sends, ascending.
 *
 * Worked example: caps {max 3 per P7D}, sends on Mon 10:00, Wed 10:00, Fri 10:00. A candidate of
 * Sat 10:00 sees 3 sends in (Sat−7d, Sat]; the oldest leaves the window at Mon+7d 10:00, so the
 * candidate moves to next Monday 10:00 (window (Mon, Mon+7d] holds Wed and Fri only).
 */
export function earliestUnderFrequency(
  candidate: number,
  sentAt: readonly number[],
  caps: readonly CapRule[],
  minGapMs: number,
): FrequencyVerdict {
  let at = candidate;
  let verdict: FrequencyVerdict = { at };
  for (let guard = 0; guard < 1000; guard++) {
    let moved = false;
    const last = latestAtOrBefore(sentAt, at);
    if (last !== undefined && minGapMs > 0 && at - last < minGapMs) {
      at = last + minGapMs;
      verdict = { at, rule: 'min-gap', detail: `minimum gap ${minGapMs / 3_600_000}h since the last send` };
      moved = true;
    }
    for (const cap of caps) {
      // Sends inside the rolling window (at − per, at].
      const inWindow = sentAt.filter((s) => s > at - cap.perMs && s <= at);
      if (inWindow.length >= cap.max) {
        const oldestThatMustLeave = inWindow[inWindow.length - cap.max]!;
        at = oldestThatMustLeave + cap.perMs;
        verdict = { at, rule: 'cap', detail: `cap ${cap.max} per ${cap.per}` };
        moved = true;
      }
    }
    if (!moved) return verdict;
  }
  throw new Error('frequency rules did not converge');
}

function latestAtOrBefore(sorted: readonly number[], at: number): number | undefined {
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (sorted[i]! <= at) return sorted[i];
  }
  return undefined;
}
