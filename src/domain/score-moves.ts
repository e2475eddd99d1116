/**
 * When a run saves a lead's score (issue 16). Decay moves every engaged lead's score a little
 * each hour; a run saves the score (columns and a history row) only when it moved by at least
 * RUN_SCORE_STEP since the saved one, the stage changed, or the fit changed (a profile edit).
 * The saved score thus changes only at moments the lead's wake time foresees (run/wake.ts), so
 * an incremental run that lets the lead sleep in between saves exactly what hourly full runs do.
 * Example: saved 42.0, decaying at 0.1 point an hour: the runs of the next nine hours write
 * nothing, the tenth saves 41.0 (and the lead's wake was set for that hour).
 */
export const RUN_SCORE_STEP = 1;

export interface ScoreValues {
  score: number | null;
  stage: string | null;
  fit?: number | null;
}

export function scoreMoved(before: ScoreValues, after: { score: number; stage: string; fit: number }, minDelta: number): boolean {
  return (
    before.score === null ||
    before.stage !== after.stage ||
    (before.fit !== undefined && before.fit !== after.fit) ||
    Math.abs(after.score - before.score) >= minDelta - 1e-9
  );
}

/** What a score store writes for one lead: its columns (`save`) and a history row. */
export function scoreWrite(
  before: ScoreValues & { engagement?: number | null },
  after: { score: number; stage: string; fit: number; engagement: number },
  minDelta: number,
  onlyWhenMoved: boolean,
): { save: boolean; history: boolean } {
  const same = before.score === after.score && before.stage === after.stage && before.fit === after.fit && before.engagement === after.engagement;
  const history = scoreMoved({ score: before.score, stage: before.stage }, after, minDelta);
  return { save: !same && (!onlyWhenMoved || scoreMoved(before, after, minDelta)), history };
}
