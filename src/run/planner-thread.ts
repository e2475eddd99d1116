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
  batchSize: number;
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
/** Plans kept waiting for their turn at most (the main thread stops planning ahead there). */
const BUFFERED = 4 * AHEAD;

/**
 * Every lead's first pass, batch by batch in lead order, shared between the main thread and a
 * planner thread. The main thread writes each plan (and sends what is due) and plans a batch
 * itself only when no plan is waiting: in a first run, writing keeps it busy and the thread does
 * most of the planning; in an hourly rerun, with little to write, both plan. Until the thread is
 * ready (it loads its modules first: most of a second under tsx) the main thread plans alone, so
 * a small base never waits for it. Leaving the loop early (an abort, a failure) stops the thread.
 */
export async function* plansWithThread(ctx: PlanContext, stores: Stores, input: PlannerInput): AsyncGenerator<BatchPlan> {
  const worker = spawnWorker('planner-worker', input);
  const replies: PlannerReply[] = [];
  let failure: Error | undefined;
  const ranges = leadRanges(stores, input.batchSize);
  let assigned = 0;
  const take = (): PlannerRequest | undefined => {
    const next = ranges.next();
    return next.done ? undefined : { ...next.value, index: assigned++ };
  };
  let threadReady = false;
  let withThread = 0;
  let exhausted = false;
  const feed = () => {
    while (threadReady && !exhausted && withThread < AHEAD && !failure) {
      const request = take();
      if (!request) exhausted = true;
      else {
        worker.postMessage(request);
        withThread++;
      }
    }
  };
  let wake: (() => void) | undefined;
  const settle = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (reply: PlannerReply) => {
    replies.push(reply);
    if (reply.kind === 'ready') threadReady = true;
    if (reply.kind === 'plan') withThread--;
    // Hand over the next range at once, not when the main thread next looks: it may be busy
    // writing, and an idle thread is lost time.
    feed();
    settle();
  });
  worker.on('error', (error) => {
    failure ??= error;
    settle();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`the planner thread stopped (exit code ${code}) before planning every lead`);
    settle();
  });
  const planHere = (range: LeadRange) =>
    planLeads(ctx, leadsInRange(stores, range, input.batchSize), { ...input.options, scores: true, dueSends: 'defer' });

  const ready = new Map<number, BatchPlan>();
  let turn = 0;
  try {
    for (;;) {
      // Let the thread's messages in: the run's own awaits settle as microtasks and would not.
      await new Promise((resolve) => setImmediate(resolve));
      for (const reply of replies.splice(0)) {
        if (reply.kind === 'error') throw new Error(`the planner thread failed: ${reply.message}`);
        if (reply.kind === 'plan') ready.set(reply.index, reply.plan);
      }
      if (failure) throw failure;
      const plan = ready.get(turn);
      if (plan) {
        ready.delete(turn++);
        yield plan;
        continue;
      }
      feed();
      if (!exhausted && ready.size < BUFFERED && (threadReady || !input.waitForThread)) {
        const request = take();
        if (request) ready.set(request.index, planHere(request));
        else exhausted = true;
        continue;
      }
      if (exhausted && withThread === 0 && ready.size === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
