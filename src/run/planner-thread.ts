import type { Worker } from 'node:worker_threads';
import type { SequenceFile } from '../workspace/schema.js';
import type { ConfigFile } from '../workspace/schema.js';
import type { BatchPlan } from './batch-plan.js';
import { spawnThread } from './spawn-thread.js';

export interface PlannerInput {
  dbPath: string;
  /** The workspace as loaded by the run (not re-read from disk): both threads plan by the same rules. */
  config: ConfigFile;
  sequences: SequenceFile[];
  batchSize: number;
  options: { now: number; listPlanned: boolean };
}

export type PlannerReply = { kind: 'plan'; plan: BatchPlan } | { kind: 'done' } | { kind: 'error'; message: string };

/** Batches planned ahead of the writer: the thread works on the next ones while these are written. */
const AHEAD = 2;

/**
 * Plans every lead's batch in a worker thread and yields the plans in lead order. The run's main
 * thread only writes them (and sends what is due): on two cores, planning and writing overlap.
 * Leaving the loop early (an abort, a failure) stops the thread.
 */
export async function* plansFromThread(input: PlannerInput): AsyncGenerator<BatchPlan> {
  const worker: Worker = spawnThread(new URL(`./planner-worker${extname()}`, import.meta.url), input);
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
  try {
    for (let i = 0; i < AHEAD; i++) worker.postMessage('next');
    for (;;) {
      while (replies.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const reply = replies.shift();
      if (!reply) throw failure!;
      if (reply.kind === 'error') throw new Error(`the planner thread failed: ${reply.message}`);
      if (reply.kind === 'done') return;
      worker.postMessage('next');
      yield reply.plan;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

/** '.ts' when running from source (tsx), '.js' when built. */
function extname(): string {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js';
}
