import type { ConversionCandidate, GoalSpec, HoldoutCounts } from './types.js';

/** One goal event joined to one touch sent before it, as both stores read them (ordered by event, then touch). */
export type CandidateRow = Omit<ConversionCandidate, 'touches' | 'goal'> & ConversionCandidate['touches'][number];

/** The rows of one goal's events, ordered by event id, as one candidate per event with its touches. */
export function candidatesOf(goal: GoalSpec, rows: readonly CandidateRow[]): ConversionCandidate[] {
  const out: ConversionCandidate[] = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (!last || last.eventId !== r.eventId) out.push((last = { goal: goal.id, eventId: r.eventId, leadId: r.leadId, at: r.at, touches: [] }));
    last.touches.push({ sendId: r.sendId, sequence: r.sequence, step: r.step, force: r.force, sentAt: r.sentAt, enrolledAt: r.enrolledAt, variant: r.variant ?? null });
  }
  return out;
}

/** Enrolments by sequence and arm (`held`: SQLite's 0/1, PostgreSQL's boolean), and how many converted. */
export interface HoldoutRow {
  sequence: string;
  held: number | boolean | null;
  n: number;
  converted: number;
}

/** Each sequence's treated and held-out leads and their conversions, in the rows' order. */
export function holdoutCountsOf(rows: readonly HoldoutRow[]): HoldoutCounts[] {
  const bySequence = new Map<string, HoldoutCounts>();
  for (const r of rows) {
    let h = bySequence.get(r.sequence);
    if (!h) bySequence.set(r.sequence, (h = { sequence: r.sequence, treated: 0, treatedConverted: 0, heldOut: 0, heldOutConverted: 0 }));
    if (r.held) {
      h.heldOut += r.n;
      h.heldOutConverted += r.converted;
    } else {
      h.treated += r.n;
      h.treatedConverted += r.converted;
    }
  }
  return [...bySequence.values()];
}
