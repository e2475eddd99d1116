import type { Policy, SalesCycleTier, SeasonRule, Sequence } from './types.js';
import { parseDuration } from '../time/duration.js';
import { type Reason, reason } from './placement.js';

/**
 * How fast one sequence may go: its sales-cycle tier (extra caps, a longer minimum gap, scaled
 * waits) and its season, if it is limited to one. Computed once per policy and sequence.
 */
export interface SequencePace {
  tier?: SalesCycleTier;
  /** The workspace policy with the tier's caps added and its gap applied: tiers only tighten. */
  policy: Policy;
  season?: SeasonRule;
}

const cache = new WeakMap<Policy, WeakMap<Sequence, SequencePace>>();

export function paceFor(policy: Policy, sequence: Sequence): SequencePace {
  let bySequence = cache.get(policy);
  if (!bySequence) {
    bySequence = new WeakMap();
    cache.set(policy, bySequence);
  }
  let pace = bySequence.get(sequence);
  if (!pace) {
    pace = computePace(policy, sequence);
    bySequence.set(sequence, pace);
  }
  return pace;
}

function computePace(policy: Policy, sequence: Sequence): SequencePace {
  const season = sequence.season ? policy.seasons.find((s) => s.id === sequence.season) : undefined;
  const cycle = sequence.salesCycle ? parseDuration(sequence.salesCycle) : null;
  const tier = cycle ? policy.salesCycles.find((t) => cycle.approxMs <= t.upToMs) : undefined;
  if (!tier) return { policy, season };
  return {
    tier,
    season,
    policy: {
      ...policy,
      caps: [...policy.caps, ...tier.caps],
      minGapMs: Math.max(policy.minGapMs, tier.minGapMs),
    },
  };
}

/** The product of the paces of the (non-pausing) seasons that contain a local day. */
export function seasonPace(policy: Policy, dayNumber: number): { factor: number; reasons: Reason[] } {
  let factor = 1;
  const reasons: Reason[] = [];
  for (const s of policy.seasons) {
    if (s.pause || s.pace === 1 || !s.days.contains(dayNumber)) continue;
    factor *= s.pace;
    reasons.push(reason('season', `${s.id}: pace ×${s.pace}`));
  }
  return { factor, reasons };
}

/**
 * Days on which this sequence may not send: a pausing season, or outside the sequence's own
 * season. Returns the next allowed local day and why, or undefined when the day is allowed.
 */
export function closedDay(
  policy: Policy,
  pace: SequencePace,
  dayNumber: number,
): { nextDay: number; detail: string } | undefined {
  if (policy.seasons.length === 0) return undefined;
  // Placement asks about the same few days for every lead: remember the answer per pace (one
  // per policy and sequence) and day.
  let byDay = closedDays.get(pace);
  if (!byDay) closedDays.set(pace, (byDay = new Map()));
  let known = byDay.get(dayNumber);
  if (known === undefined) byDay.set(dayNumber, (known = firstOpenDay(policy, pace, dayNumber) ?? null));
  return known ?? undefined;
}

const closedDays = new WeakMap<SequencePace, Map<number, { nextDay: number; detail: string } | null>>();

function firstOpenDay(
  policy: Policy,
  pace: SequencePace,
  dayNumber: number,
): { nextDay: number; detail: string } | undefined {
  for (let d = dayNumber, guard = 0; guard < 800; guard++, d++) {
    const blocker = blockerOn(policy, pace, d);
    if (!blocker) return d === dayNumber ? undefined : { nextDay: d, detail: blockerOn(policy, pace, dayNumber)! };
  }
  throw new Error(`seasons leave no day open for sequences limited to ${pace.season?.id ?? 'any season'}`);
}

function blockerOn(policy: Policy, pace: SequencePace, dayNumber: number): string | undefined {
  for (const s of policy.seasons) if (s.pause && s.days.contains(dayNumber)) return `${s.id}: paused`;
  if (pace.season && !pace.season.days.contains(dayNumber)) return `outside season ${pace.season.id}`;
  return undefined;
}
