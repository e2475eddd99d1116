import type { Connection } from '../db/connection.js';
import type { StoredEnrollment } from '../db/outbox.js';
import {
  advanceLead,
  type Decision,
  leadWhere,
  MAX_SENDS_PER_RUN,
  type PlanContext,
} from '../domain/lead-plan.js';
import type { LeadScore } from '../domain/scoring.js';
import { messageRef } from '../mail/links.js';
import type { Renderer } from '../mail/render.js';
import type { Mailer } from '../mail/transport.js';
import type { Clock } from '../time/clock.js';
import type { Workspace } from '../workspace/load.js';
import { sendConfirmations } from './confirmations.js';
import { DeliverySlots, deliverAll, type PendingSend } from './deliver.js';
import { type LoadedLead, leadBatches, planContext, type Stores, storesFor } from './context.js';
import { describeReasons, type TouchItem, touchItem } from './items.js';
import { recordRunScores } from './rescore.js';

export interface RunDeps {
  conn: Connection;
  workspace: Workspace;
  renderer: Renderer;
  mailer: Mailer;
  clock: Clock;
  secret: string;
  onProgress?: (done: number, total: number) => void;
  /** Aborted (SIGTERM): finish the message in flight, record it, and stop. */
  signal?: AbortSignal;
}

/** Batches planned or delivering at once. */
const PIPELINE_DEPTH = 2;

export interface RunOptions {
  at: number;
  dryRun?: boolean;
  batchSize?: number;
  /**
   * List every planned touch in the report (for `--json`). Off, only the count is kept, so a
   * run over a million leads holds no per-lead items in memory.
   */
  listPlanned?: boolean;
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
    for (const u of stores.outbox.uncertain()) {
      const zone = u.timezone || workspace.policy.defaultZone;
      const reason = 'uncertain: claimed by an earlier run that stopped before confirming; not resent';
      report.skipped.push(touchItem(u.email, zone, u.sequenceId, u.stepId, u.force, u.claimedAt ?? now, reason));
    }
    await sendConfirmations(deps, runId, now, dryRun, report);
    const scope: RunScope = {
      deps,
      ctx,
      stores,
      now,
      runId,
      dryRun,
      report,
      listPlanned: options.listPlanned ?? false,
      slots: DeliverySlots.forRun(deps),
    };
    const total = stores.leads.count();
    let done = 0;
    // Two batches in flight: the next one is planned while the current one waits on SMTP.
    // Batches hold disjoint leads and every transaction is synchronous, so they never interleave
    // inside a write; the delivery slots keep the messages in hand to one per connection.
    const inFlight: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    for (const batch of leadBatches(stores, options.batchSize ?? 1000)) {
      if (deps.signal?.aborted || failure) break;
      inFlight.push(
        runBatch(scope, batch).then(
          () => {
            done += batch.length;
            deps.onProgress?.(done, total);
          },
          (error: unknown) => {
            failure ??= { error };
          },
        ),
      );
      if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift();
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    report.counts.sent = report.sent.length;
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


/** What every step of one run shares. */
interface RunScope {
  deps: RunDeps;
  ctx: PlanContext;
  stores: Stores;
  now: number;
  runId: number;
  dryRun: boolean;
  report: RunReport;
  listPlanned: boolean;
  /** Messages in hand across every batch in flight: one per pooled SMTP connection. */
  slots: DeliverySlots;
}

async function runBatch(scope: RunScope, batch: LoadedLead[]): Promise<void> {
  const { deps, ctx, stores, now, runId, dryRun, report } = scope;
  report.counts.leads! += batch.length;
  const scores: LeadScore[] = [];
  let active = batch;
  for (let round = 0; round < MAX_SENDS_PER_RUN && active.length > 0; round++) {
    const pending: PendingSend[] = [];
    const write = () => {
      for (const lead of active) {
        const advance = advanceLead(ctx, lead.state, now);
        if (round === 0) scores.push(advance.score);
        for (const d of advance.bookkeeping) recordBookkeeping(stores, lead, d, now, runId, dryRun, report);
        const sendId = recordOutcome(scope, lead, advance.outcome);
        if (advance.outcome.kind === 'send' && sendId !== undefined)
          pending.push({ lead, decision: advance.outcome, sendId });
      }
      if (!dryRun && round === 0) recordRunScores(stores, ctx.scoring, batch, scores, now);
    };
    if (dryRun) write();
    else stores.outbox.transaction(write);
    const delivered = await deliverAll(deps, stores, pending, now, runId, dryRun, report, scope.slots);
    active = delivered;
    // A reply or booked meeting recorded while this round was sending (web endpoint, an import)
    // ends the sequence before the lead's next touch of this same run.
    if (active.length > 0) {
      const fresh = stores.events.forLeads(active.map((l) => l.state.profile.id));
      for (const lead of active) lead.state.events = fresh.get(lead.state.profile.id) ?? [];
    }
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

/** Only skipped and listed touches show the lead's zone: most leads never need it worked out. */
function zoneOf(scope: RunScope, lead: LoadedLead): string {
  return leadWhere(lead.state.profile, scope.deps.workspace.policy).zone;
}

/** Records a wait as the planned row; creates the row for a send and returns its id. */
function recordOutcome(scope: RunScope, lead: LoadedLead, outcome: Decision): number | undefined {
  const { deps, stores, now, runId, dryRun, report, listPlanned } = scope;
  const profile = lead.state.profile;
  if (outcome.kind === 'idle') {
    report.counts.idle!++;
    return undefined;
  }
  if (outcome.kind === 'blocked') {
    report.skipped.push(
      touchItem(
        profile.email,
        zoneOf(scope, lead),
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
  if (outcome.kind === 'wait') report.counts.planned!++;
  if (outcome.kind === 'wait' && listPlanned) {
    report.planned.push(
      touchItem(
        profile.email,
        zoneOf(scope, lead),
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
  const stepId = outcome.step.id;
  const existing = lead.sends.find((s) => s.enrollmentId === enrollment.id && s.stepId === stepId);
  // Hourly runs mostly re-plan what is already planned: write only what moved.
  if (outcome.kind === 'wait' && existing?.status === 'planned' && existing.plannedAt === outcome.at && existing.reason === reason)
    return undefined;
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
      // A row that exists keeps its ref (the upsert does not change it): no HMAC to compute.
      ref: existing?.ref ?? messageRef(deps.secret, profile.id, outcome.sequence.id, stepId),
      runId,
    },
    now,
  );
  return outcome.kind === 'send' ? stores.outbox.findId(enrollment.id, outcome.step.id) : undefined;
}
