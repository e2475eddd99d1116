import type { Connection } from '../db/connection.js';
import type { StoredEnrollment } from '../db/outbox.js';
import {
  advanceLead,
  type Decision,
  leadWhere,
  MAX_SENDS_PER_RUN,
  type PlanContext,
} from '../domain/lead-plan.js';
import { messageRef } from '../mail/links.js';
import { buildMessage } from '../mail/message.js';
import type { Renderer } from '../mail/render.js';
import type { Mailer } from '../mail/transport.js';
import type { Clock } from '../time/clock.js';
import type { Workspace } from '../workspace/load.js';
import { type LoadedLead, leadBatches, planContext, type Stores, storesFor } from './context.js';
import { describeReasons, type TouchItem, touchItem } from './items.js';

export interface RunDeps {
  conn: Connection;
  workspace: Workspace;
  renderer: Renderer;
  mailer: Mailer;
  clock: Clock;
  secret: string;
  onProgress?: (done: number, total: number) => void;
}

export interface RunOptions {
  at: number;
  dryRun?: boolean;
  batchSize?: number;
}

export interface RunReport {
  run: number | null;
  at: string;
  dryRun: boolean;
  sent: TouchItem[];
  planned: TouchItem[];
  skipped: TouchItem[];
  failed: TouchItem[];
  counts: Record<string, number>;
}

const DELIVERY_CONCURRENCY = 8;

/**
 * One run as of `at`: score, enrol, plan and send what is due, batch by batch. Idempotent: a
 * second run at the same `at` finds every due touch already sent and sends nothing new.
 */
export async function runOnce(deps: RunDeps, options: RunOptions): Promise<RunReport> {
  const { conn, workspace, clock } = deps;
  const stores = storesFor(conn);
  const ctx = planContext(workspace);
  const dryRun = options.dryRun ?? false;
  const now = options.at;
  const report: RunReport = {
    run: null,
    at: new Date(now).toISOString(),
    dryRun,
    sent: [],
    planned: [],
    skipped: [],
    failed: [],
    counts: {
      leads: 0,
      enrolled: 0,
      exited: 0,
      completed: 0,
      sent: 0,
      planned: 0,
      skipped: 0,
      failed: 0,
      idle: 0,
    },
  };
  const runId = dryRun ? 0 : stores.runs.start(now, clock.now(), false);
  report.run = dryRun ? null : runId;
  if (!dryRun) {
    try {
      stores.runs.acquireLock(runId, clock.now());
    } catch (error) {
      stores.runs.finish(runId, clock.now(), {}, (error as Error).message);
      throw error;
    }
  }
  try {
    for (const uncertain of stores.outbox.uncertain()) {
      report.skipped.push({
        lead: String(uncertain.leadId),
        sequence: uncertain.sequenceId,
        step: uncertain.stepId,
        force: '',
        at: report.at,
        zone: 'UTC',
        reason: 'uncertain: claimed by an earlier run that stopped before confirming; not resent',
      });
    }
    const total = stores.leads.count();
    let done = 0;
    for (const batch of leadBatches(stores, options.batchSize ?? 1000)) {
      await runBatch(deps, ctx, stores, batch, now, runId, dryRun, report);
      done += batch.length;
      deps.onProgress?.(done, total);
    }
    report.counts.sent = report.sent.length;
    report.counts.planned = report.planned.length;
    report.counts.skipped = report.skipped.length;
    report.counts.failed = report.failed.length;
    if (!dryRun) stores.runs.finish(runId, clock.now(), report.counts);
    return report;
  } catch (error) {
    if (!dryRun) stores.runs.finish(runId, clock.now(), report.counts, (error as Error).message);
    throw error;
  } finally {
    if (!dryRun) stores.runs.releaseLock(runId);
  }
}

interface PendingSend {
  lead: LoadedLead;
  decision: Extract<Decision, { kind: 'send' }>;
  sendId: number;
}

async function runBatch(
  deps: RunDeps,
  ctx: PlanContext,
  stores: Stores,
  batch: LoadedLead[],
  now: number,
  runId: number,
  dryRun: boolean,
  report: RunReport,
): Promise<void> {
  report.counts.leads! += batch.length;
  const scores: { id: number; score: number; fit: number; engagement: number; stage: string }[] = [];
  let active = batch;
  for (let round = 0; round < MAX_SENDS_PER_RUN && active.length > 0; round++) {
    const pending: PendingSend[] = [];
    const write = () => {
      for (const lead of active) {
        const advance = advanceLead(ctx, lead.state, now);
        if (round === 0) {
          const s = advance.score;
          scores.push({
            id: lead.state.profile.id,
            score: s.score,
            fit: s.fit,
            engagement: s.engagement,
            stage: s.stage,
          });
        }
        for (const d of advance.bookkeeping) recordBookkeeping(stores, lead, d, now, runId, dryRun, report);
        const sendId = recordOutcome(deps, stores, lead, advance.outcome, now, runId, dryRun, report);
        if (advance.outcome.kind === 'send' && sendId !== undefined)
          pending.push({ lead, decision: advance.outcome, sendId });
      }
      if (!dryRun && round === 0) stores.leads.saveScores(scores, now);
    };
    if (dryRun) write();
    else stores.outbox.transaction(write);
    const delivered = await deliverAll(deps, stores, pending, now, runId, dryRun, report);
    active = delivered;
  }
}

function enrollmentOf(lead: LoadedLead, sequenceId: string): StoredEnrollment | undefined {
  return lead.enrollments.find((e) => e.sequenceId === sequenceId && e.status === 'active');
}

function recordBookkeeping(
  stores: Stores,
  lead: LoadedLead,
  d: Decision,
  now: number,
  runId: number,
  dryRun: boolean,
  report: RunReport,
): void {
  if (d.kind === 'enroll') {
    const id = dryRun
      ? -lead.enrollments.length - 1
      : stores.outbox.enroll(lead.state.profile.id, d.sequenceId, now, d.reason, runId);
    lead.enrollments.push({
      id,
      leadId: lead.state.profile.id,
      sequenceId: d.sequenceId,
      enrolledAt: now,
      status: 'active',
    });
    report.counts.enrolled!++;
  } else if (d.kind === 'exit' || d.kind === 'complete') {
    const e = enrollmentOf(lead, d.sequenceId);
    if (!e) return;
    const status = d.kind === 'exit' ? 'exited' : 'completed';
    const reason = d.kind === 'exit' ? d.reason : 'all steps done';
    if (!dryRun) {
      stores.outbox.endEnrollment(e.id, status, now, reason);
      stores.outbox.skipPlanned(e.id, `enrolment ${status}: ${reason}`, now);
    }
    e.status = status;
    report.counts[status]!++;
  }
}

/** Records a wait as the planned row; creates the row for a send and returns its id. */
function recordOutcome(
  deps: RunDeps,
  stores: Stores,
  lead: LoadedLead,
  outcome: Decision,
  now: number,
  runId: number,
  dryRun: boolean,
  report: RunReport,
): number | undefined {
  const profile = lead.state.profile;
  const zone = leadWhere(profile, deps.workspace.policy).zone;
  if (outcome.kind === 'idle') {
    report.counts.idle!++;
    return undefined;
  }
  if (outcome.kind === 'blocked') {
    report.skipped.push(
      touchItem(
        profile.email,
        zone,
        outcome.sequence.id,
        outcome.step.id,
        outcome.step.force,
        now,
        outcome.reason,
      ),
    );
    return undefined;
  }
  if (outcome.kind !== 'send' && outcome.kind !== 'wait') return undefined;
  const enrollment = enrollmentOf(lead, outcome.sequence.id);
  if (!enrollment) throw new Error(`no active enrolment for ${profile.email} in ${outcome.sequence.id}`);
  const reason = describeReasons(outcome.reasons);
  if (outcome.kind === 'wait') {
    report.planned.push(
      touchItem(
        profile.email,
        zone,
        outcome.sequence.id,
        outcome.step.id,
        outcome.step.force,
        outcome.at,
        reason,
        outcome.reasons,
      ),
    );
  }
  if (dryRun) return outcome.kind === 'send' ? -1 : undefined;
  stores.outbox.plan(
    {
      enrollmentId: enrollment.id,
      leadId: profile.id,
      sequenceId: outcome.sequence.id,
      stepId: outcome.step.id,
      force: outcome.step.force,
      plannedAt: outcome.at,
      dueAt: outcome.kind === 'wait' ? outcome.due : outcome.at,
      reason,
      ref: messageRef(deps.secret, profile.id, outcome.sequence.id, outcome.step.id),
      runId,
    },
    now,
  );
  return outcome.kind === 'send' ? stores.outbox.findId(enrollment.id, outcome.step.id) : undefined;
}

/** Claims, sends and records each due touch; returns the leads that sent something (to advance again). */
async function deliverAll(
  deps: RunDeps,
  stores: Stores,
  pending: PendingSend[],
  now: number,
  runId: number,
  dryRun: boolean,
  report: RunReport,
): Promise<LoadedLead[]> {
  const advanced: LoadedLead[] = [];
  const allowed = deps.workspace.policy.consent === 'single' ? ['confirmed', 'pending'] : ['confirmed'];
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const p = pending[next++]!;
      const { lead, decision } = p;
      const profile = lead.state.profile;
      const zone = leadWhere(profile, deps.workspace.policy).zone;
      const item = touchItem(
        profile.email,
        zone,
        decision.sequence.id,
        decision.step.id,
        decision.step.force,
        now,
        describeReasons(decision.reasons),
      );
      if (!dryRun && !stores.outbox.claim(p.sendId, profile.id, allowed, runId, now)) {
        report.skipped.push({
          ...item,
          reason: 'lead may no longer be mailed (suppressed or consent withdrawn) or already claimed',
        });
        continue;
      }
      if (!dryRun) {
        const ref = messageRef(deps.secret, profile.id, decision.sequence.id, decision.step.id);
        const message = buildMessage(deps.renderer, {
          lead: profile,
          sequence: decision.sequence,
          step: decision.step,
          ref,
          sender: deps.workspace.config.sender,
          baseUrl: deps.workspace.config.baseUrl,
          secret: deps.secret,
          at: now,
        });
        const result = await deps.mailer.deliver(message);
        if (!result.ok) {
          stores.outbox.markFailed(p.sendId, result.response, result.permanent, deps.clock.now());
          // A permanent rejection of the recipient is a hard bounce: the address is never mailed again.
          if (result.permanent)
            stores.leads.suppress(profile.id, 'bounced', now, `smtp: ${result.response}`, deps.clock.now());
          report.failed.push({
            ...item,
            reason: `${result.permanent ? 'rejected' : 'will retry'}: ${result.response}`,
          });
          continue;
        }
        stores.outbox.markSent(p.sendId, message.messageId, result.response, deps.clock.now());
      }
      lead.state.sends.push({
        sequenceId: decision.sequence.id,
        stepId: decision.step.id,
        status: 'sent',
        at: now,
      });
      report.sent.push(item);
      advanced.push(lead);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, pending.length) }, worker));
  return advanced;
}
