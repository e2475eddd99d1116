import type { TouchItem } from './items.js';

/** What the current workspace holds of a sequence, for saying why a touch left the plan. */
export interface SequenceShape {
  id: string;
  steps: readonly { id: string }[];
}

/**
 * Why a touch of the base plan is missing from the current one, in the words a reviewer needs:
 * its sequence or step was deleted; the lead no longer has any touch of that sequence (it no
 * longer enters it: audience, segment, priority or holdout); or the lead still does but this step
 * now falls after the end of the compared period or is skipped by a condition.
 */
export function whyRemoved(item: TouchItem, sequences: readonly SequenceShape[], leadStillInSequence: boolean, to: string): string {
  const sequence = sequences.find((s) => s.id === item.sequence);
  if (!sequence) return `sequence ${item.sequence} is no longer in the workspace`;
  if (!sequence.steps.some((s) => s.id === item.step)) return `step ${item.step} was removed from ${item.sequence}`;
  if (!leadStillInSequence) return `the lead no longer enters ${item.sequence} in this period (audience, segment, priority or holdout)`;
  return `no longer planned before ${to.slice(0, 10)}: pushed past the end of the period, or skipped by a condition`;
}

/** One reason per removed touch, in the order given. */
export function removedReasons(removed: readonly TouchItem[], current: readonly TouchItem[], sequences: readonly SequenceShape[], to: string): string[] {
  const inSequence = new Set(current.map((i) => `${i.lead}\u0000${i.sequence}`));
  return removed.map((i) => whyRemoved(i, sequences, inSequence.has(`${i.lead}\u0000${i.sequence}`), to));
}
