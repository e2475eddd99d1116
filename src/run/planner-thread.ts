import type { Allocations } from '../domain/experiments/types.js';
import type { PlanContext } from '../domain/lead-plan.js';
import type { ConfigFile, SequenceFile } from '../workspace/schema.js';
import { type BatchPlan, planLeads } from './batch-plan.js';
import { type LeadRange, leadRanges, leadsInRange, type Stores } from './context.js';
import { spawnWorker } from './threads.js';

export interface PlannerInput {
  dbPath: string;
  /** The workspace as loaded by the run (not re-read from disk): both threads plan by the same rules. */
  config: ConfigFile;
  sequences: SequenceFile[];
  /** The experiments' allocations the run plans with. */
  allocations?: Allocations;
  batchSize: number;
  /** An incremental run: only leads due for planning by then (`wake_at <= dueBy`). */
  dueBy?: number;
  options: { now: number; listPlanned: boolean };
  /** Plan nothing before the thread is ready (tests, so that the thread gets batches on a small base). */
  waitForThread?: boolean;
}

/** A batch for the thread to plan: the `index`-th range of the run. */
export interface PlannerRequest extends LeadRange {
  index: number;
}

export type PlannerReply =
  | { kind: 'ready' }
  | { kind: 'plan'; index: number; plan: BatchPlan }
  | { kind: 'error'; message: string };

/** Batches the thread holds at once: enough to keep it busy while the main thread writes one. */
const AHEAD = 3;
/** Plans waiting for their turn, at most: neither thread plans further ahead (memory stays bounded). */
const BUFFERED = 4 * AHEAD;

/**
 * Every lead's first pass, batch by batch in lead order, shared between the main thread and a
 * planner thread. The main thread writes each plan (and sends what is due) and plans a batch
 * itself only when no plan is waiting: in a first run, writing keeps it busy and the thread does
 * most of the planning; in an hourly rerun, with little to write, both plan. Until the thread is
 * ready (it loads its modules first: most of a second under tsx) the main thread plans alone, so
 * a small base never waits for it; if it cannot start, or dies, the main thread plans the rest.
 * Leaving the loop early (an abort, a failure) stops the thread.
 */
export async function* plansWithThread(ctx: PlanContext, stores: Stores, input: PlannerInput): AsyncGenerator<BatchPlan> {
  const worker = spawnWorker('planner-worker', input);
  const ranges = leadRanges(stores, input.batchSize, input.dueBy);
  let assigned = 0;
  let exhausted = false;
  const take = (): PlannerRequest | undefined => {
    const next = exhausted ? undefined : ranges.next();
    if (!next || next.done) {
      exhausted = true;
      return undefined;
    }
    return { ...next.value, index: assigned++ };
  };
  const planHere = (range: LeadRange) =>
    planLeads(ctx, leadsInRange(stores, range, input.batchSize, input.dueBy), { ...input.options, scores: true, dueSends: 'defer' });

  /** Plans waiting for their turn (`turn` is the next to yield), and the ranges the thread holds. */
  const ready = new Map<number, BatchPlan>();
  const withThread = new Map<number, PlannerRequest>();
  let turn = 0;
  let threadState: 'starting' | 'ready' | 'gone' = 'starting';
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settle = () => {
    wake?.();
    wake = undefined;
  };
  // Hand the thread the next range as soon as it answers, not when the main thread next looks:
  // it may be busy writing, and an idle thread is lost time. Never more than BUFFERED plans wait.
  const feed = () => {
    while (threadState === 'ready' && withThread.size < AHEAD && withThread.size + ready.size < BUFFERED) {
      const request = take();
      if (!request) return;
      worker.postMessage(request);
      withThread.set(request.index, request);
    }
  };
  // A thread that cannot start or dies leaves its ranges to this one: the run goes on in process.
  const lose = () => {
    if (threadState === 'gone') return;
    threadState = 'gone';
    for (const [index, range] of withThread) ready.set(index, planHere(range));
    withThread.clear();
    settle();
  };
  worker.on('message', (reply: PlannerReply) => {
    if (reply.kind === 'ready') threadState = 'ready';
    else if (reply.kind === 'plan') {
      withThread.delete(reply.index);
      ready.set(reply.index, reply.plan);
    } else failure ??= new Error(`the planner thread failed: ${reply.message}`);
    feed();
    settle();
  });
  worker.on('error', lose);
  worker.on('exit', lose);
  try {
    for (;;) {
      // Let the thread's messages in: the run's own awaits settle as microtasks and would not.
      await new Promise((resolve) => setImmediate(resolve));
      if (failure) throw failure;
      const plan = ready.get(turn);
      if (plan) {
        ready.delete(turn++);
        yield plan;
        continue;
      }
      feed();
      if (ready.size < BUFFERED && (threadState !== 'starting' || !input.waitForThread)) {
        const request = take();
        if (request) {
          ready.set(request.index, planHere(request));
          continue;
        }
      }
      if (exhausted && withThread.size === 0 && ready.size === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
