import type { ScoreRow } from '../db/scores.js';
import { advanceLead, type Decision, leadWhere, type PlanContext } from '../domain/lead-plan.js';
import type { IdleCause, Sequence, Step } from '../domain/types.js';
import type { LoadedLead } from './context.js';
import { describeReasons, type TouchItem, touchItem, withVariantItem } from './items.js';
import { scoreRow } from './rescore.js';
import { RUN_SCORE_STEP, scoreWrite } from '../domain/score-moves.js';
import { wakeAt } from './wake.js';

/**
 * What one planning pass over a batch of leads decided, as plain rows to write. Kept apart from
 * the writing so that a planner thread can compute it while the main thread writes the batch
 * before (see planner-thread.ts): everything here survives a structured clone.
 *
 * An `enrollmentId` of 0 names the enrolment this same plan creates for the lead and sequence.
 */
export interface EnrollWrite {
  leadId: number;
  sequenceId: string;
  reason: string;
}

export interface EndWrite {
  leadId: number;
  sequenceId: string;
  enrollmentId: number;
  status: 'completed' | 'exited';
  reason: string;
}

export interface PlanWrite {
  leadId: number;
  sequenceId: string;
  stepId: string;
  force: string;
  enrollmentId: number;
  plannedAt: number;
  dueAt: number;
  reason: string;
  variant?: string;
}

/** A touch due now: its row is written like a planned one, then claimed and sent. */
export interface DueSend {
  lead: LoadedLead;
  decision: Extract<Decision, { kind: 'send' }>;
  write: PlanWrite;
}

export interface BatchCounts {
  enrolled: number;
  exited: number;
  completed: number;
  planned: number;
  idle: number;
}

export interface BatchPlan {
  /** How many leads the pass covered (progress), those deferred for sending included. */
  leads: number;
  enrolls: EnrollWrite[];
  ends: EndWrite[];
  plans: PlanWrite[];
  /** Steps a condition or a goto passed over (written skipped, with the reason). */
  stepSkips: PlanWrite[];
  /** Scores to save, with what was saved before. */
  scores: ScoreRow[];
  skipped: TouchItem[];
  /** Every planned touch, when the run lists them (`--json`). */
  planned: TouchItem[];
  counts: BatchCounts;
  /** The idle leads by why they get no mail (the planner's cause: consent, unqualified, paused…). */
  idle: Partial<Record<IdleCause, number>>;
  /** With `dueSends: 'defer'`: leads with a touch due now, left for the sending path (ascending ids). */
  deferredLeadIds: number[];
  /** With `dueSends: 'include'`: the touches to send now. */
  sends: DueSend[];
  /**
   * When each lead must next be planned, as `[leadId, wakeAt, inputVersion]` triples (flat: a
   * million of them cross to the main thread as one array). See run/wake.ts.
   */
  wakes: number[];
}

export interface PlanOptions {
  now: number;
  listPlanned: boolean;
  /** Record the scores advanceLead computed (the first pass over a lead in a run). */
  scores: boolean;
  /**
   * 'defer': a lead with a touch due now gets no writes here, only its id in `deferredLeadIds` —
   * the sending path loads it afresh (delivery needs the whole lead). 'include': plan it too.
   */
  dueSends: 'defer' | 'include';
}

export function emptyPlan(): BatchPlan {
  return {
    leads: 0,
    enrolls: [],
    ends: [],
    plans: [],
    stepSkips: [],
    scores: [],
    skipped: [],
    planned: [],
    counts: { enrolled: 0, exited: 0, completed: 0, planned: 0, idle: 0 },
    idle: {},
    deferredLeadIds: [],
    sends: [],
    wakes: [],
  };
}

/**
 * Advances every lead once and collects the writes that record it. Leads' in-memory state moves
 * as the decisions say (advanceLead applies them); new enrolments join `lead.enrollments` with id
 * 0 until the writer gives them theirs.
 */
export function planLeads(ctx: PlanContext, leads: readonly LoadedLead[], options: PlanOptions): BatchPlan {
  const plan = emptyPlan();
  plan.leads = leads.length;
  for (const lead of leads) {
    const advance = advanceLead(ctx, lead.state, options.now);
    const id = lead.state.profile.id;
    if (advance.outcome.kind === 'send' && options.dueSends === 'defer') {
      plan.deferredLeadIds.push(id);
      // Due now, whatever it was before: the sending path sets the wake after it sends.
      plan.wakes.push(id, options.now, lead.inputVersion);
      continue;
    }
    if (options.scores) {
      const row = scoreRow(ctx.scoring, id, advance.score, lead.state.events, options.now);
      plan.scores.push({ ...row, before: lead.saved });
      // What the store will have saved: the reference for the next drift (domain/score-moves.ts).
      if (scoreWrite(lead.saved, row, RUN_SCORE_STEP, true).save) lead.saved = { score: row.score, stage: row.stage, fit: row.fit, engagement: row.engagement };
    }
    for (const d of advance.bookkeeping) {
      if (d.kind === 'skip') planStepSkip(ctx, plan, lead, d, options.now);
      else planBookkeeping(plan, lead, d, options.now);
    }
    planOutcome(ctx, plan, lead, advance.outcome, options);
    // A later round of the sending path follows a send of this run: the lead's score moved with
    // it (an unopened streak) and only a run's first pass saves scores, so the next run plans it.
    const wake = options.scores ? wakeAt(ctx, lead.state, advance.outcome, options.now, lead.saved.score ?? null) : options.now;
    plan.wakes.push(id, wake, lead.inputVersion);
  }
  return plan;
}

function planBookkeeping(plan: BatchPlan, lead: LoadedLead, d: Decision, now: number): void {
  const leadId = lead.state.profile.id;
  if (d.kind === 'enroll') {
    plan.enrolls.push({ leadId, sequenceId: d.sequenceId, reason: d.reason });
    lead.enrollments.push({ id: 0, leadId, sequenceId: d.sequenceId, enrolledAt: now, status: 'active' });
    plan.counts.enrolled++;
  } else if (d.kind === 'exit' || d.kind === 'complete') {
    const e = activeEnrollment(lead, d.sequenceId);
    if (!e) return;
    const status = d.kind === 'exit' ? 'exited' : 'completed';
    const reason = d.kind === 'exit' ? d.reason : 'all steps done';
    plan.ends.push({ leadId, sequenceId: d.sequenceId, enrollmentId: e.id, status, reason });
    e.status = status;
    plan.counts[status]++;
  }
}

function planOutcome(ctx: PlanContext, plan: BatchPlan, lead: LoadedLead, outcome: Decision, options: PlanOptions): void {
  const profile = lead.state.profile;
  const zone = () => leadWhere(profile, ctx.policy).zone;
  if (outcome.kind === 'idle') {
    plan.counts.idle++;
    plan.idle[outcome.cause] = (plan.idle[outcome.cause] ?? 0) + 1;
    return;
  }
  if (outcome.kind === 'blocked') {
    const { sequence, step } = outcome;
    plan.skipped.push(touchItem(profile.email, zone(), sequence.id, step.id, step.force, options.now, outcome.reason));
    return;
  }
  if (outcome.kind !== 'send' && outcome.kind !== 'wait') return;
  const enrollment = activeEnrollment(lead, outcome.sequence.id);
  if (!enrollment) throw new Error(`no active enrolment for ${profile.email} in ${outcome.sequence.id}`);
  const reason = describeReasons(outcome.reasons);
  const write = planWrite(profile.id, enrollment.id, outcome.sequence, outcome.step, outcome.at, reason);
  if (outcome.variant) write.variant = outcome.variant.id;
  if (outcome.kind === 'send') {
    plan.plans.push(write);
    plan.sends.push({ lead, decision: outcome, write });
    return;
  }
  plan.counts.planned++;
  write.dueAt = outcome.due;
  if (options.listPlanned) {
    const { sequence, step } = outcome;
    plan.planned.push(withVariantItem(touchItem(profile.email, zone(), sequence.id, step.id, step.force, outcome.at, reason, outcome.reasons), outcome.variant));
  }
  // Hourly runs mostly re-plan what is already planned: write only what moved. The reason is the
  // one given when the touch's time was set: while a touch waits, the rule that holds it changes
  // with the hour (a closed window, then a day off) though its time does not, and rewriting it
  // then would make every deferred lead's plan change at every run (issue 16: no incremental run).
  const existing = lead.sends.find((s) => s.enrollmentId === enrollment.id && s.stepId === outcome.step.id);
  if (existing?.status === 'planned' && existing.plannedAt === outcome.at && existing.dueAt === outcome.due && (existing.variant ?? undefined) === write.variant) return;
  plan.plans.push(write);
}

function planStepSkip(ctx: PlanContext, plan: BatchPlan, lead: LoadedLead, d: Extract<Decision, { kind: 'skip' }>, now: number): void {
  const profile = lead.state.profile;
  const enrollment = activeEnrollment(lead, d.sequence.id);
  if (!enrollment) throw new Error(`no active enrolment for ${profile.email} in ${d.sequence.id}`);
  const zone = leadWhere(profile, ctx.policy).zone;
  for (const step of d.steps) {
    plan.stepSkips.push(planWrite(profile.id, enrollment.id, d.sequence, step, now, d.reason));
    plan.skipped.push(touchItem(profile.email, zone, d.sequence.id, step.id, step.force, now, d.reason));
  }
}

function planWrite(leadId: number, enrollmentId: number, sequence: Sequence, step: Step, at: number, reason: string): PlanWrite {
  return { leadId, sequenceId: sequence.id, stepId: step.id, force: step.force, enrollmentId, plannedAt: at, dueAt: at, reason };
}

function activeEnrollment(lead: LoadedLead, sequenceId: string) {
  return lead.enrollments.find((e) => e.sequenceId === sequenceId && e.status === 'active');
}
