import { MAX_SENDS_PER_RUN, type PlanContext } from '../domain/lead-plan.js';
import { settleTotals } from './report-totals.js';
import type { TickReplan, TickStore, WrittenBatch } from '../store/types.js';
import type { PgConfirmations } from '../store/pg/confirmations.js';
import { sendConfirmationsTick } from './confirmations-tick.js';
import { type BatchPlan, planLeads } from './batch-plan.js';
import { enrollmentKey } from './batch-write.js';
import { deliverPending, type DeliveryShare, deliveryShare } from './deliver.js';
import { touchItem } from './items.js';
import { allowedConsents, type DeliveryDeps, type DeliveryLedger, type PendingSend } from './ledger.js';
import { storeLedger } from './ledger-store.js';
import type { LoadedLead } from './loaded-leads.js';
import type { RunReport } from './run.js';
import { type TickReads, tickContext } from './tick-context.js';
import { planDigest, replanFor } from './plan-digest.js';

/** A store a tick can be elected on: the batch interface, the tick's reads, and the election with its layout. */
export interface ElectingStore extends TickStore, TickReads {
  /** Holds the run's share lock until the returned function is called (see PgBatchStore.holdRun). */
  holdRun(runId: number): Promise<() => Promise<void>>;
  /** Waits for every share of the run before `tickAt` to be planned and sent. */
  waitForEarlierRun(tickAt: number): Promise<void>;
  readonly confirmations: PgConfirmations;
  /** Elects the tick; the elected worker decides its replan (`decide`, given the stored digest), the others read it. */
  electTick(
    tickAt: number,
    now: number,
    batchSize: number,
    decide: (storedDigest: string | undefined) => TickReplan,
  ): Promise<{ runId: number; tickAt: number; elected: boolean; batches: number; replan: TickReplan }>;
  /** The replan decision of an open run, for a worker joining it. */
  replanOf(runId: number): Promise<TickReplan>;
}

export interface TickDeps extends DeliveryDeps {
  store: ElectingStore;
  /** This worker's row in `workers` (null: a one-off `nurture run`). */
  workerId: number | null;
  onProgress?: (leads: number) => void;
}

export interface TickOptions {
  at: number;
  batchSize?: number;
  /** List every planned touch in the report (`--json`). */
  listPlanned?: boolean;
  /** Replan every lead (`run --full`), not only those due or with new input (issue 16). */
  full?: boolean;
}

/** Batches planned or delivering at once by one worker: the next is planned while the last waits on SMTP. */
const PIPELINE_DEPTH = 2;

const DEFAULT_BATCH_SIZE = 1000;

/** Batches a worker plans again, in one share, after a write conflict, before it gives up. */
const MAX_CONFLICTS = 3;

/** A unique violation or a deadlock: what two writers planning one lead at once run into. */
function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === '40P01' || code === '40001';
}

/**
 * One worker's part of the tick at `at` over a shared store: the first worker to arrive is elected
 * and lays out the batches; every worker claims batches until none is left, plans each with the
 * pure planner and commits it in the claim's transaction, then sends the batch's due touches
 * (claim-before-send, rounds as runOnce does). The worker whose share ends last with no batch
 * pending closes the run; each adds its counts to the run's. The report is this worker's share.
 */
export async function runTick(deps: TickDeps, options: TickOptions): Promise<RunReport> {
  const { store, clock } = deps;
  // The last tick's workers may still be sending: its leads are not planned again until they are done.
  await store.waitForEarlierRun(options.at);
  const context = await tickContext(store, deps.workspace, options.at);
  // Concluded experiments folded in (run/tick-context.ts): what this tick plans, renders and digests.
  deps = { ...deps, workspace: context.workspace };
  // Decided once, by the elected worker, as runOnce decides: every worker of the tick plans in that mode.
  const digest = planDigest(deps.workspace, context.ctx);
  const decide = (stored: string | undefined): TickReplan => ({ ...replanFor(false, options.full ?? false, stored, digest), digest });
  const tick = await store.electTick(options.at, clock.now(), options.batchSize ?? DEFAULT_BATCH_SIZE, decide);
  const report = emptyReport(tick.runId, options.at, tick.replan);
  if (tick.elected) {
    await context.recordDecisions();
    await reportUncertain(deps, report, options.at);
  }
  return joinTick(deps, { ...options, runId: tick.runId, ctx: context.ctx, confirm: tick.elected, replan: tick.replan }, report);
}

/** A worker's share of an open run (its own tick, or one another worker elected or left unfinished). */
export async function joinTick(
  deps: TickDeps,
  options: ShareOptions,
  report?: RunReport,
): Promise<RunReport> {
  const leave = await deps.store.holdRun(options.runId);
  try {
    const replan = options.replan ?? (await deps.store.replanOf(options.runId));
    return await shareOf(deps, { ...options, replan }, report ?? emptyReport(options.runId, options.at, replan));
  } finally {
    await leave();
  }
}

/** A worker's share, while it holds the run's share lock. */
async function shareOf(deps: TickDeps, options: ShareOptions & { replan: TickReplan }, report: RunReport): Promise<RunReport> {
  const { store, clock } = deps;
  const now = options.at;
  // Incremental: only leads due or with new input are loaded; the others are counted asleep.
  const dueBy = options.replan.mode === 'incremental' ? now : undefined;
  let ctx = options.ctx;
  if (!ctx) {
    const context = await tickContext(store, deps.workspace, now);
    ({ ctx } = context);
    deps = { ...deps, workspace: context.workspace };
  }
  const delivery = deliveryShare(deps);
  const scope: TickScope = {
    deps,
    ctx,
    now,
    runId: options.runId,
    report,
    listPlanned: options.listPlanned ?? false,
    delivery,
    ledger: storeLedger(store, { allowed: allowedConsents(deps.workspace), runId: options.runId, now, softBounceAfter: delivery.softBounceAfter }),
  };
  if (options.confirm) await sendConfirmationsTick(deps, store.confirmations, options.runId, now, report, delivery);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  let conflicts = 0;
  try {
    for (;;) {
      if (deps.signal?.aborted || failure) break;
      const claim = await store.claimBatch(options.runId, deps.workerId);
      if (!claim) break;
      let plan: BatchPlan;
      let leads: LoadedLead[];
      try {
        leads = await claim.load(batchSize, dueBy);
        plan = planLeads(ctx, leads, { now, listPlanned: scope.listPlanned, scores: true, dueSends: 'include' });
      } catch (error) {
        await claim.release();
        throw error;
      }
      let written: WrittenBatch;
      try {
        written = await claim.commit(plan, now);
      } catch (error) {
        // Another writer got to one of these leads first (a run at another moment): the batch was
        // rolled back whole and is pending again; it is planned afresh from what is stored now.
        if (isWriteConflict(error) && conflicts++ < MAX_CONFLICTS) continue;
        throw error;
      }
      // `leads` counts a lead once, at its first pass (rounds plan the same leads again).
      report.counts.leads! += plan.leads;
      report.counts.asleep! += claim.asleep;
      addPlan(scope, plan);
      fixEnrollmentIds(leads, written.enrollmentIds);
      deps.onProgress?.(plan.leads);
      const pending: PendingSend[] = plan.sends.map((s, i) => ({ lead: s.lead, decision: s.decision, sendId: written.sendIds[i]! }));
      const sending = pending.length === 0 || delivery.halted ? Promise.resolve() : sendRounds(scope, pending);
      inFlight.push(sending.catch((error: unknown) => void (failure ??= { error })));
      if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift();
    }
  } catch (error) {
    // Planning or writing failed: the batches already sending still finish and are recorded.
    failure ??= { error };
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  settleTotals(report);
  if (delivery.halted)
    report.halted = { ...delivery.halted, relay: deps.mailer.describe(), waiting: await store.waitingCount(now) };
  await store.finishShare(options.runId, clock.now(), report.counts);
  return report;
}

type ShareOptions = TickOptions & {
  runId: number;
  ctx?: PlanContext;
  /** Send the double opt-in confirmations first (the elected worker does, as a SQLite run does). */
  confirm?: boolean;
  /** The tick's replan decision (read from the run when not given). */
  replan?: TickReplan;
};

interface TickScope {
  deps: TickDeps;
  ctx: PlanContext;
  now: number;
  runId: number;
  report: RunReport;
  listPlanned: boolean;
  delivery: DeliveryShare;
  ledger: DeliveryLedger;
}

/**
 * Sends a batch's due touches, then plans its leads again and sends what that makes due now, up
 * to MAX_SENDS_PER_RUN rounds in all (as runOnce's sendDue does): a reply recorded while a round
 * was sending ends the sequence before the lead's next touch.
 */
async function sendRounds(scope: TickScope, first: PendingSend[]): Promise<void> {
  const { deps, now, runId, report, listPlanned } = scope;
  let pending = first;
  for (let round = 0; ; ) {
    const advanced = await deliverPending(deps, scope.ledger, pending, now, false, report, scope.delivery);
    if (++round >= MAX_SENDS_PER_RUN || advanced.length === 0) return;
    const fresh = await deps.store.eventsFor(advanced.map((l) => l.state.profile.id));
    for (const lead of advanced) lead.state.events = fresh.get(lead.state.profile.id) ?? [];
    const plan = planLeads(scope.ctx, advanced, { now, listPlanned, scores: false, dueSends: 'include' });
    const written = await deps.store.writePlan(plan, now, runId);
    addPlan(scope, plan);
    fixEnrollmentIds(advanced, written.enrollmentIds);
    pending = plan.sends.map((s, i) => ({ lead: s.lead, decision: s.decision, sendId: written.sendIds[i]! }));
    if (pending.length === 0) return;
  }
}

/** The leads go on to further rounds: their new enrolments get the ids just written. */
function fixEnrollmentIds(leads: readonly LoadedLead[], ids: ReadonlyMap<string, number>): void {
  if (ids.size === 0) return;
  for (const lead of leads)
    for (const e of lead.enrollments) if (e.id === 0) e.id = ids.get(enrollmentKey(lead.state.profile.id, e.sequenceId)) ?? 0;
}

function addPlan(scope: TickScope, plan: BatchPlan): void {
  const { report } = scope;
  for (const [key, n] of Object.entries(plan.counts)) report.counts[key] = (report.counts[key] ?? 0) + n;
  for (const [cause, n] of Object.entries(plan.idle)) report.idle[cause] = (report.idle[cause] ?? 0) + n;
  report.skipped.push(...plan.skipped);
  if (scope.listPlanned) report.planned.push(...plan.planned);
}

/** Touches a dead run or worker left claimed and unconfirmed: listed, never resent (nurture outbox resolve). */
async function reportUncertain(deps: TickDeps, report: RunReport, now: number): Promise<void> {
  for (const u of await deps.store.uncertain()) {
    const zone = u.timezone || deps.workspace.policy.defaultZone;
    const reason = 'uncertain: claimed by an earlier run that stopped before confirming; not resent (nurture outbox resolve)';
    report.skipped.push(touchItem(u.email, zone, u.sequenceId, u.stepId, u.force, u.claimedAt ?? now, reason));
  }
}

export function emptyReport(runId: number, at: number, replan: TickReplan): RunReport {
  return {
    run: runId,
    at: new Date(at).toISOString(),
    dryRun: false,
    sent: [],
    planned: [],
    skipped: [],
    failed: [],
    counts: { leads: 0, enrolled: 0, exited: 0, completed: 0, sent: 0, planned: 0, skipped: 0, failed: 0, idle: 0, asleep: 0 },
    idle: {},
    replan: { mode: replan.mode, why: replan.why },
  };
}
