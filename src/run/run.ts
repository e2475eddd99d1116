import type { Connection } from '../db/connection.js';
import { experimentsAtRun } from './experiment-run.js';
import { MAX_SENDS_PER_RUN, type PlanContext } from '../domain/lead-plan.js';
import type { Renderer } from '../mail/render.js';
import type { Mailer } from '../mail/transport.js';
import type { Clock } from '../time/clock.js';
import type { Workspace } from '../workspace/load.js';
import { sendConfirmations } from './confirmations.js';
import { deliverAll, deliveryFor, type PendingSend, type RunDelivery } from './deliver.js';
import { type BatchPlan, planLeads } from './batch-plan.js';
import { enrollmentKey, writePlan } from './batch-write.js';
import { type LoadedLead, leadBatches, leadsByIds, planContext, type Stores, storesFor } from './context.js';
import { type TouchItem, touchItem } from './items.js';
import { plansWithThread } from './planner-thread.js';
import { spareCores } from './threads.js';
import { withAllocations } from './experiment-state.js';
import { PlanMeta } from '../db/plan-meta.js';
import { DIGEST_KEY, planDigest, replanFor } from './plan-digest.js';
import { sendTimeMark } from './plan-snapshot.js';
import { settleTotals } from './report-totals.js';

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

/**
 * The first batch is small. Nothing is sent until the first two batches are planned (each twice:
 * the first pass, then again with its touches due; the second batch is planned before the event
 * loop lets the first one's claims commit), and the SMTP connections idle until then: with a first
 * batch of 100, that is 1,100 leads rather than 2,000.
 */
const FIRST_BATCH_SIZE = 100;

/** Batches planned or delivering at once. */
const PIPELINE_DEPTH = 2;

/**
 * From this many leads on, a file database is planned in a thread beside the writer when a core
 * is free (at 100,000 leads it breaks even on two cores; at 1,000,000 it saves a third).
 */
const PLANNER_THREAD_MIN_LEADS = 20_000;

export interface RunOptions {
  at: number;
  dryRun?: boolean;
  batchSize?: number;
  /**
   * List every planned touch in the report (for `--json`). Off, only the count is kept, so a
   * run over a million leads holds no per-lead items in memory.
   */
  listPlanned?: boolean;
  /**
   * Plan in a worker thread (default: for PLANNER_THREAD_MIN_LEADS leads or more in a file
   * database, with a core to spare); 'wait': in the thread, planning nothing before it is ready (tests).
   */
  planThread?: boolean | 'wait';
  /** Replan every lead (`run --full`), not only those due or with new input (issue 16). */
  full?: boolean;
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
  /** Idle leads (`counts.idle`) by why they get no mail, e.g. `{ consent: 120, unqualified: 40 }`. */
  idle: Record<string, number>;
  /**
   * Whom the run planned: every lead ('full': asked with --full, the first run, or the planning
   * rules or the day's snapshot changed — `why`), or only those due or with new input
   * ('incremental'; `counts.asleep` were left asleep).
   */
  replan: { mode: 'full' | 'incremental'; why: string };
  /**
   * Set when a fault on our side (relay down, login or sender refused, TLS, DNS) stopped the
   * run's sending: every touch still waits, planned, with no attempt counted against any lead.
   */
  halted?: RunHalt;
}

export interface RunHalt {
  cause: string;
  /** The relay's reply, or the connection's error. */
  response: string;
  /** The relay, its password masked. */
  relay: string;
  /** Touches due by now that wait, planned (or backing off), for a run after the fix. */
  waiting: number;
}


/**
 * One run as of `at`: score, enrol, plan and send what is due, batch by batch. Idempotent: a
 * second run at the same `at` finds every due touch already sent and sends nothing new.
 */
export async function runOnce(deps: RunDeps, options: RunOptions): Promise<RunReport> {
  const { conn, workspace, clock } = deps;
  const stores = storesFor(conn);
  const dryRun = options.dryRun ?? false;
  const now = options.at;
  // Records the experiments' decisions at `now`; the run plans with the day's snapshot of their allocations.
  experimentsAtRun(conn.sqlite, workspace, now, dryRun);
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
      asleep: 0,
    },
    idle: {},
    replan: { mode: 'full', why: '' },
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
  const delivery = deliveryFor(deps);
  try {
    if (!dryRun) sendTimeMark(conn.sqlite, now, true);
    const ctx = planContext(withAllocations(conn.sqlite, workspace, now), conn.sqlite, now);
    const digest = planDigest(workspace, ctx);
    const meta = new PlanMeta(conn.sqlite);
    report.replan = replanFor(dryRun, options.full ?? false, meta.get(DIGEST_KEY), digest);
    // A full run that stops halfway leaves some leads planned by the new rules: until one
    // completes, no run may trust the old digest (reverting the edit would let them sleep).
    if (!dryRun && report.replan.mode === 'full') meta.delete(DIGEST_KEY);
    const dueBy = report.replan.mode === 'incremental' ? now : undefined;
    for (const u of stores.outbox.uncertain()) {
      const zone = u.timezone || workspace.policy.defaultZone;
      const reason = 'uncertain: claimed by an earlier run that stopped before confirming; not resent (nurture outbox resolve)';
      report.skipped.push(touchItem(u.email, zone, u.sequenceId, u.stepId, u.force, u.claimedAt ?? now, reason));
    }
    await sendConfirmations(deps, runId, now, dryRun, report, delivery);
    const scope: RunScope = {
      deps,
      ctx,
      stores,
      now,
      runId,
      dryRun,
      report,
      listPlanned: options.listPlanned ?? false,
      delivery: delivery,
      dueBy,
    };
    const all = stores.leads.count();
    const total = dueBy === undefined ? all : stores.leads.dueCount(dueBy);
    let done = 0;
    let complete = true;
    // Two batches in flight: the next one is planned and written while the current one waits on
    // SMTP. Batches hold disjoint leads and every transaction is synchronous, so they never
    // interleave inside a write; the delivery slots keep the messages in hand to one per connection.
    const inFlight: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    try {
      for await (const plan of await batchPlans(scope, total, options)) {
        if (deps.signal?.aborted || failure) {
          complete = false;
          break;
        }
        report.counts.leads! += plan.leads;
        recordPlan(scope, plan, []);
        const due = plan.deferredLeadIds;
        // Once the relay has failed us, the rest is planned but not sent: the touches wait.
        const sending = due.length === 0 || delivery.halted ? Promise.resolve() : sendDue(scope, leadsByIds(stores, due));
        inFlight.push(
          sending.then(
            () => {
              done += plan.leads;
              deps.onProgress?.(done, total);
            },
            (error: unknown) => {
              failure ??= { error };
            },
          ),
        );
        if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift();
      }
    } catch (error) {
      // Planning or writing failed: the batches already sending still finish and are recorded.
      failure ??= { error };
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    settleTotals(report);
    report.counts.asleep = all - report.counts.leads!;
    // Every lead planned by these rules: the next runs may be incremental.
    if (!dryRun && complete && report.replan.mode === 'full') meta.set(DIGEST_KEY, digest);
    if (delivery.halted) {
      report.halted = { ...delivery.halted, relay: deps.mailer.describe(), waiting: stores.outbox.waitingCount(now) };
      stores.runs.finish(runId, clock.now(), report.counts, haltMessage(report));
      return report;
    }
    if (!dryRun) stores.runs.finish(runId, clock.now(), report.counts);
    return report;
  } catch (error) {
    if (!dryRun) stores.runs.finish(runId, clock.now(), report.counts, (error as Error).message);
    throw error;
  } finally {
    if (!dryRun) stores.runs.releaseLock(runId);
  }
}

/**
 * What stopped the run, for people: `relay refused our login: 535 5.7.8 Authentication credentials
 * invalid (smtp://127.0.0.1:2525); nothing was sent, 12 touches due now wait planned`. The count is
 * what the run had planned when it stopped; the leads it had not reached yet are planned by the next run.
 */
export function haltMessage(report: RunReport): string {
  const h = report.halted;
  if (!h) return '';
  const sent = report.sent.length === 0 ? 'nothing was sent' : `${report.sent.length} sent before it`;
  return `${h.cause}: ${h.response} (${h.relay}); ${sent}, ${h.waiting} touch${h.waiting === 1 ? '' : 'es'} due now wait planned`;
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
  /** Messages in hand across every batch in flight (one per pooled SMTP connection), and their commits. */
  delivery: RunDelivery;
  /** Incremental: plan only leads with `wake_at <= dueBy`. */
  dueBy: number | undefined;
}

/**
 * Every lead's first pass, batch by batch and in lead order: in a planner thread for a large base
 * in a database file (the main thread then only writes and sends), else in process.
 */
async function batchPlans(scope: RunScope, total: number, options: RunOptions): Promise<AsyncIterable<BatchPlan>> {
  const { deps, ctx, stores, now, listPlanned, dueBy } = scope;
  const batchSize = options.batchSize ?? 1000;
  const thread =
    options.planThread ?? (total >= PLANNER_THREAD_MIN_LEADS && deps.conn.path !== ':memory:' && (await spareCores()) > 0);
  if (thread) {
    const { config, sequenceDefinitions } = deps.workspace;
    return plansWithThread(ctx, stores, {
      dbPath: deps.conn.path,
      config,
      sequences: sequenceDefinitions,
      ...(ctx.allocations ? { allocations: ctx.allocations } : {}),
      batchSize,
      ...(dueBy === undefined ? {} : { dueBy }),
      options: { now, listPlanned },
      waitForThread: thread === 'wait',
    });
  }
  return (async function* () {
    for (const batch of leadBatches(stores, batchSize, undefined, Math.min(batchSize, FIRST_BATCH_SIZE), dueBy))
      yield planLeads(ctx, batch, { now, listPlanned, scores: true, dueSends: 'defer' });
  })();
}

/** Writes a plan (unless dry) and adds it to the report; returns the outbox ids of its sends. */
function recordPlan(scope: RunScope, plan: BatchPlan, leads: readonly LoadedLead[]): number[] {
  const { stores, now, runId, dryRun, report } = scope;
  for (const [key, n] of Object.entries(plan.counts)) report.counts[key]! += n;
  for (const [cause, n] of Object.entries(plan.idle)) report.idle[cause] = (report.idle[cause] ?? 0) + n;
  report.skipped.push(...plan.skipped);
  if (scope.listPlanned) report.planned.push(...plan.planned);
  if (dryRun) return plan.sends.map(() => -1);
  const written = stores.outbox.transaction(() => writePlan(stores, plan, now, runId));
  // The leads go on to further rounds: give their new enrolments the ids just written.
  for (const lead of leads)
    for (const e of lead.enrollments)
      if (e.id === 0) e.id = written.enrollmentIds.get(enrollmentKey(lead.state.profile.id, e.sequenceId)) ?? 0;
  return written.sendIds;
}

/**
 * Leads with a touch due now, loaded afresh: plan, send, and advance again — up to
 * MAX_SENDS_PER_RUN rounds, while each round leaves another touch due.
 */
async function sendDue(scope: RunScope, leads: LoadedLead[]): Promise<void> {
  const { deps, ctx, stores, now, runId, dryRun, report, listPlanned } = scope;
  let active = leads;
  for (let round = 0; round < MAX_SENDS_PER_RUN && active.length > 0; round++) {
    const plan = planLeads(ctx, active, { now, listPlanned, scores: round === 0, dueSends: 'include' });
    const sendIds = recordPlan(scope, plan, active);
    const pending: PendingSend[] = plan.sends.map((s, i) => ({ lead: s.lead, decision: s.decision, sendId: sendIds[i]! }));
    active = await deliverAll(deps, stores, pending, now, runId, dryRun, report, scope.delivery);
    // A reply or booked meeting recorded while this round was sending (web endpoint, an import)
    // ends the sequence before the lead's next touch of this same run.
    if (active.length > 0) {
      const fresh = stores.events.forLeads(active.map((l) => l.state.profile.id));
      for (const lead of active) lead.state.events = fresh.get(lead.state.profile.id) ?? [];
    }
  }
}
