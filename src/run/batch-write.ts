import { RUN_SCORE_STEP } from '../domain/score-moves.js';
import type { PlanWrite } from './batch-plan.js';
import type { PlanRows } from '../store/types.js';
import type { Stores } from './context.js';

export interface WrittenPlan {
  /** Ids of the enrolments the plan created, by `enrollmentKey`. */
  enrollmentIds: Map<string, number>;
  /** The outbox row of each of `plan.sends`, in order. */
  sendIds: number[];
}

export const enrollmentKey = (leadId: number, sequenceId: string) => `${leadId}:${sequenceId}`;

/**
 * Writes what a batch plan decided: enrolments first (later rows refer to them), then ended
 * enrolments and their dropped touches, the planned rows and the scores. The caller holds the
 * transaction, so a batch is recorded whole or not at all.
 */
export function writePlan(stores: Stores, plan: Omit<PlanRows, 'leads'>, now: number, runId: number): WrittenPlan {
  const { outbox } = stores;
  const enrollmentIds = new Map<string, number>();
  for (const e of plan.enrolls)
    enrollmentIds.set(enrollmentKey(e.leadId, e.sequenceId), outbox.enroll(e.leadId, e.sequenceId, now, e.reason, runId));
  const idOf = (w: { leadId: number; sequenceId: string; enrollmentId: number }) =>
    w.enrollmentId || enrollmentIds.get(enrollmentKey(w.leadId, w.sequenceId))!;
  for (const e of plan.ends) {
    const id = idOf(e);
    outbox.endEnrollment(id, e.status, now, e.reason);
    outbox.skipPlanned(id, `enrolment ${e.status}: ${e.reason}`, now);
  }
  for (const p of plan.stepSkips) outbox.skipStep(p, idOf(p), runId, now);
  for (const p of plan.plans) outbox.plan(p, idOf(p), runId, now);
  if (plan.scores.length > 0) stores.leads.scores.record(plan.scores, now, { cause: 'run', minDelta: RUN_SCORE_STEP, onlyWhenMoved: true });
  // When to plan each lead next (run/wake.ts), unless new input arrived while it was planned.
  if (plan.wakes && plan.wakes.length > 0) stores.leads.setWakes(plan.wakes);
  const sendIds = plan.sends.map(({ write }: { write: PlanWrite }) => outbox.findId(idOf(write), write.stepId)!);
  return { enrollmentIds, sendIds };
}
