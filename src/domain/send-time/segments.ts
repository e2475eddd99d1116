import { holds } from '../conditions/evaluate.js';
import type { ConditionInput } from '../conditions/input.js';
import type { Condition } from '../conditions/types.js';
import type { LeadProfile } from '../types.js';
import type { SendTimeSegment } from './types.js';

/**
 * Whether a segment is decided by the lead's fields alone (country, industry, job title,
 * attributes), not by its events, score or stage. Only those pool hours for send-time: a
 * behavioural segment ("attended a webinar within P14D", "score ≥ 50") changes with the clock and
 * no new engagement, so the prior a touch was placed with in the forecast would not be the one of
 * the run that sends it (invariant 7); and counting it would need every engaged lead's events and
 * score each run. Who a lead is, not what it did lately, is also what a reading habit follows.
 */
export function readsOnlyFields(condition: Condition): boolean {
  switch (condition.kind) {
    case 'field':
      return true;
    case 'all':
    case 'any':
      return condition.of.every(readsOnlyFields);
    case 'not':
    case 'segment':
      return readsOnlyFields(condition.of);
    default:
      return false;
  }
}

const unread = (): never => {
  throw new Error('a send-time segment read a score or stage (only field conditions are kept)');
};

/** The names of the send-time segments the lead is in, in nurture.yaml's order. */
export function segmentsOf(segments: readonly SendTimeSegment[], profile: LeadProfile): string[] {
  return segmentNames(segments, segmentMask(segments, profile));
}

/** The names of the segments whose bits are set, in nurture.yaml's order. */
export function segmentNames(segments: readonly SendTimeSegment[], mask: number): string[] {
  return segments.filter((_, i) => mask & (1 << i)).map((s) => s.name);
}

/**
 * The send-time segments the lead is in as bits (bit i: the i-th segment), so the planner looks a
 * lead's pool up by a number, building no list or string per touch. Segments past the 31st are
 * not pooled (a workspace names a handful).
 */
export function segmentMask(segments: readonly SendTimeSegment[], profile: LeadProfile): number {
  const input: ConditionInput = { profile, events: NO_EVENTS, now: 0, stage: unread, score: unread };
  let mask = 0;
  for (let i = 0; i < segments.length && i < 31; i++) if (holds(segments[i]!.condition, input)) mask |= 1 << i;
  return mask;
}
const NO_EVENTS: never[] = [];

/** The key of a set of segments (names are `[a-z0-9-]`, so the separator is unambiguous). */
export const segmentKey = (names: readonly string[]): string => names.join(' + ');
