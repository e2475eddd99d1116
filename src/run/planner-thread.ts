import type { ConfigFile, SequenceFile } from '../workspace/schema.js';
import { type BatchPlan, planLeads } from './batch-plan.js';
import { leadBatches, type Stores } from './context.js';
import type { PlanContext } from '../domain/lead-plan.js';
import { spawnWorker } from './threads.js';

export interface PlannerInput {
  dbPath: string;
  /** The workspace as loaded by the run (not re-read from disk): both threads plan by the same rules. */
  config: ConfigFile;
  sequences: SequenceFile[];
  batchSize: number;
  options: { now: number; listPlanned: boolean };
  /**
   * How many batches the main thread plans before handing over (tests); by default, as many as
   * it can before the thread is ready.
   */
  localBatches?: number;
}

/** 'start': plan the first batch after this lead id (and go on from there); 'next': the next batch. */
export type PlannerRequest = { kind: 'start'; afterId: number } | { kind: 'next' };

export type PlannerReply =
  | { kind: 'ready' }
  | { kind: 'plan'; plan: BatchPlan }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

/** Batches planned ahead of the writer: the thread works on the next ones while these are written. */
const AHEAD = 2;

/**
 * Every lead's first pass, in lead order, planned in a worker thread so that the main thread only
 * writes the plans (and sends what is due): on two cores, planning and writing overlap. Starting
 * a thread takes a moment (most of a second from source under tsx), so the main thread plans the
 * first batches itself and hands the rest over once the thread says it is ready. Leaving the loop
 * early (an abort, a failure) stops the thread.
 */
export async function* plansWithThread(
  ctx: PlanContext,
  stores: Stores,
  input: PlannerInput,
): AsyncGenerator<BatchPlan> {
  const worker = spawnWorker('planner-worker', input);
  const replies: PlannerReply[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const settle = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (reply: PlannerReply) => {
    replies.push(reply);
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
  const replyArrived = async () => {
    while (replies.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    let afterId = 0;
    let planned = 0;
    for (const batch of leadBatches(stores, input.batchSize)) {
      if (planned === input.localBatches) break;
      yield planLeads(ctx, batch, { ...input.options, scores: true, dueSends: 'defer' });
      afterId = batch[batch.length - 1]!.state.profile.id;
      planned++;
      // Let the thread's 'ready' in: the run's own awaits settle as microtasks and would not.
      await new Promise((resolve) => setImmediate(resolve));
      if (input.localBatches === undefined && (replies.length > 0 || failure)) break;
    }
    if (input.localBatches !== undefined) await replyArrived();
    if (failure) throw failure;
    if (replies.shift()?.kind !== 'ready') return; // every lead planned before the thread was up
    worker.postMessage({ kind: 'start', afterId } satisfies PlannerRequest);
    for (let i = 1; i < AHEAD; i++) worker.postMessage({ kind: 'next' } satisfies PlannerRequest);
    for (;;) {
      await replyArrived();
      const reply = replies.shift();
      if (!reply) throw failure!;
      if (reply.kind === 'error') throw new Error(`the planner thread failed: ${reply.message}`);
      if (reply.kind === 'done') return;
      if (reply.kind !== 'plan') continue;
      worker.postMessage({ kind: 'next' } satisfies PlannerRequest);
      yield reply.plan;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
