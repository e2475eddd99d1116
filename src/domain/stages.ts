import type { ScoredEvent } from './scoring-rules.js';
import type { Stage } from './types.js';

export interface StageThresholds {
  awareness: number;
  interest: number;
  desire: number;
  action: number;
}

/** Stage from thresholds; a booked meeting or a purchase takes the lead out of nurture for good. */
export function stageFor(
  thresholds: StageThresholds,
  score: number,
  events: readonly ScoredEvent[],
  now: number,
): Stage {
  let meeting = false;
  for (const e of events) {
    if (e.at > now) continue;
    if (e.type === 'became_customer') return 'customer';
    if (e.type === 'meeting_booked') meeting = true;
  }
  if (meeting || score >= thresholds.action) return 'sales-ready';
  if (score >= thresholds.desire) return 'desire';
  if (score >= thresholds.interest) return 'interest';
  if (score >= thresholds.awareness) return 'awareness';
  return 'unqualified';
}

const NEXT: Partial<Record<Stage, [Stage, keyof StageThresholds]>> = {
  unqualified: ['awareness', 'awareness'],
  awareness: ['interest', 'interest'],
  interest: ['desire', 'desire'],
  desire: ['sales-ready', 'action'],
};

/** The next stage up and the points still missing, or null at sales-ready and customer. */
export function distanceToNextStage(
  thresholds: StageThresholds,
  stage: Stage,
  score: number,
): { stage: Stage; points: number } | null {
  const next = NEXT[stage];
  return next ? { stage: next[0], points: Math.round((thresholds[next[1]] - score) * 100) / 100 } : null;
}

/** Why a sales-ready lead is sales-ready, for the handoff list: the meeting, or the score. */
export function salesReadyReason(
  thresholds: StageThresholds,
  score: number,
  events: readonly ScoredEvent[],
  now: number,
): string {
  const meeting = events.find((e) => e.type === 'meeting_booked' && e.at <= now);
  if (meeting) return `meeting booked ${new Date(meeting.at).toISOString()}`;
  return `score ${score} reached action (${thresholds.action})`;
}
