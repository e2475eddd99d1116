import type { Database } from 'better-sqlite3';
import { LeadStore } from '../db/leads.js';
import { countOverlaps, emptyOverlaps, type Overlap } from '../domain/conditions/overlaps.js';
import type { PlanRules } from './context.js';
import { leadStateBatches } from './context.js';

/** Audience overlaps on the current leads, streamed in batches (lint). */
export function audienceOverlaps(sqlite: Database, rules: PlanRules, now: number): Overlap[] {
  const overlaps = emptyOverlaps(rules.sequences);
  for (const batch of leadStateBatches(sqlite, new LeadStore(sqlite), 2000))
    for (const state of batch) countOverlaps(overlaps, rules.sequences, rules.scoring, state, now);
  return overlaps;
}
