import type { LeadState } from '../domain/lead-plan.js';
import { countOverlaps, emptyOverlaps, type Overlap } from '../domain/conditions/overlaps.js';
import type { PlanRules } from './context.js';

/** Audience overlaps on the current leads, from their planner states streamed in batches (lint). */
export async function audienceOverlaps(states: Iterable<LeadState[]> | AsyncIterable<LeadState[]>, rules: PlanRules, now: number): Promise<Overlap[]> {
  const overlaps = emptyOverlaps(rules.sequences);
  for await (const batch of states) for (const state of batch) countOverlaps(overlaps, rules.sequences, rules.scoring, state, now);
  return overlaps;
}
