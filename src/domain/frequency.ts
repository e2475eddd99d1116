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
      verdict = { at, rule: 'min-gap', detail: gapDetail(minGapMs) };
      moved = true;
    }
    for (const cap of caps) {
      // Sends inside the rolling window (at − per, at]: a run of the ascending list, so the one
      // that must leave is found by counting, without collecting them.
      let count = 0;
      let newest = -1;
      for (let i = sentAt.length - 1; i >= 0; i--) {
        const s = sentAt[i]!;
        if (s > at) continue;
        if (s <= at - cap.perMs) break;
        if (newest < 0) newest = i;
        count++;
      }
      if (count >= cap.max) {
        const oldestThatMustLeave = sentAt[newest + 1 - cap.max]!;
        at = oldestThatMustLeave + cap.perMs;
        verdict = { at, rule: 'cap', detail: capDetail(cap) };
        moved = true;
      }
    }
    if (!moved) return verdict;
  }
  throw new Error('frequency rules did not converge');
}

// The details, built once per gap and cap rule rather than per deferred touch.
const gapDetails = new Map<number, string>();
const gapDetail = (minGapMs: number): string => {
  let text = gapDetails.get(minGapMs);
  if (text === undefined) gapDetails.set(minGapMs, (text = `minimum gap ${minGapMs / 3_600_000}h since the last send`));
  return text;
};
const capDetails = new WeakMap<CapRule, string>();
const capDetail = (cap: CapRule): string => {
  let text = capDetails.get(cap);
  if (text === undefined) capDetails.set(cap, (text = `cap ${cap.max} per ${cap.per}`));
  return text;
};

function latestAtOrBefore(sorted: readonly number[], at: number): number | undefined {
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (sorted[i]! <= at) return sorted[i];
  }
  return undefined;
}
