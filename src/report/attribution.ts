import type { ConversionCandidate, Credit, GoalSpec } from './types.js';

/**
 * Who gets the credit for a conversion: the touches sent to the lead within the goal's window
 * before it (`within: P30D`: a meeting on 20 Nov credits touches sent 21 Oct–20 Nov). Last touch
 * (the default): the latest of them takes it whole; `model: linear`: each takes an equal share.
 * No touch in the window: no credit (the conversion did not follow nurture). The sequence credited
 * is the touch's own, the one the lead was in when it was sent.
 */
export function attribute(goal: GoalSpec, candidate: ConversionCandidate): Credit[] {
  const inWindow = candidate.touches.filter((t) => t.sentAt <= candidate.at && t.sentAt >= candidate.at - goal.withinMs);
  if (inWindow.length === 0) return [];
  const chosen =
    goal.model === 'linear' ? inWindow : [inWindow.reduce((a, b) => (b.sentAt > a.sentAt || (b.sentAt === a.sentAt && b.sendId > a.sendId) ? b : a))];
  const weight = 1 / chosen.length;
  return chosen.map((t) => ({
    goal: goal.id,
    eventId: candidate.eventId,
    leadId: candidate.leadId,
    sendId: t.sendId,
    sequence: t.sequence,
    step: t.step,
    force: t.force,
    sentAt: t.sentAt,
    weight,
    timeToConversionMs: candidate.at - t.enrolledAt,
  }));
}
