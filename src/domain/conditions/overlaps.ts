import type { LeadState } from '../lead-plan.js';
import { type ScoringModel, scoreLead } from '../scoring.js';
import type { Sequence } from '../types.js';
import { entryWhy } from './sequence-rules.js';

/** Per sequence: leads its audience matches, and those a higher-priority sequence takes first. */
export interface Overlap {
  sequence: string;
  matches: number;
  takenByHigher: number;
  /** Per higher-priority sequence, how many of this one's matches it also matches. */
  takenBy: Map<string, number>;
}

export function emptyOverlaps(sequences: readonly Sequence[]): Overlap[] {
  return sequences.map((s) => ({ sequence: s.id, matches: 0, takenByHigher: 0, takenBy: new Map() }));
}

/**
 * Adds one lead to the counts, as a first enrolment would see it at `now` (stage and audience,
 * triggers included; cool-downs, seasons and earlier enrolments left aside). `sequences` are in
 * priority order, highest first.
 */
export function countOverlaps(overlaps: Overlap[], sequences: readonly Sequence[], scoring: ScoringModel, state: LeadState, now: number): void {
  const score = scoreLead(scoring, state.profile, state.events, now, state.sends);
  const input = { profile: state.profile, events: state.events, now, stage: () => score.stage, score: () => score };
  const matched: string[] = [];
  sequences.forEach((s, i) => {
    if (!s.audience.stages.includes(score.stage) || entryWhy(s, input) === undefined) return;
    const o = overlaps[i]!;
    o.matches++;
    if (matched.length > 0) o.takenByHigher++;
    for (const higher of matched) o.takenBy.set(higher, (o.takenBy.get(higher) ?? 0) + 1);
    matched.push(s.id);
  });
}

/** Lint lines: how many each audience matches, how many a higher priority takes, full shadows. */
export function overlapWarnings(overlaps: readonly Overlap[]): { sequence: string; message: string }[] {
  const out: { sequence: string; message: string }[] = [];
  for (const o of overlaps) {
    if (o.matches === 0) {
      out.push({ sequence: o.sequence, message: 'audience matches none of the current leads' });
      continue;
    }
    for (const [higher, n] of o.takenBy)
      if (n === o.matches) out.push({ sequence: o.sequence, message: `${higher} (higher priority) takes all ${n} leads this audience matches: it never enrols anyone new` });
  }
  return out;
}
