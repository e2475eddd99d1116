import type { LeadSource } from '../../store/lead-source-types.js';
import { isoWithOffset } from '../../time/zone.js';
import type { CliIo } from '../io.js';
import { table } from '../output.js';

/** How a lead's score moved, when its stage changed, and when (and why) it was handed to sales. */
export async function scoreHistory(source: LeadSource, leadId: number, zone: string) {
  const rows = await source.scoreHistory(leadId);
  const scoreHistory = rows.map((h) => ({ ...h, at: isoWithOffset(h.at, zone) }));
  const stageChanges: { at: string; from: string | null; to: string; score: number }[] = [];
  let previous: string | null = null;
  for (const h of scoreHistory) {
    if (h.stage !== previous) stageChanges.push({ at: h.at, from: previous, to: h.stage, score: h.score });
    previous = h.stage;
  }
  const handoff = await source.handoffOf(leadId);
  return {
    scoreHistory,
    stageChanges,
    handoff: handoff ? { ...handoff, at: isoWithOffset(handoff.at, zone) } : null,
  };
}

export function printHistory(io: CliIo, h: Awaited<ReturnType<typeof scoreHistory>>): void {
  io.stdout('\nScore history:');
  io.stdout(
    h.scoreHistory.length
      ? table(
          ['at', 'score', 'fit', 'engagement', 'stage', 'cause'],
          h.scoreHistory.map((r) => [r.at, String(r.score), String(r.fit), String(r.engagement), r.stage, r.cause]),
        )
      : '  none yet (nurture score, run or an import records it)',
  );
  if (h.stageChanges.length > 0) {
    io.stdout('\nStage changes:');
    for (const c of h.stageChanges) io.stdout(`  ${c.at}: ${c.from ?? '(first score)'} → ${c.to} at ${c.score}`);
  }
  if (h.handoff) io.stdout(`\nHanded to sales ${h.handoff.at}: ${h.handoff.reason}`);
}
