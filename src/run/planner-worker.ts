/**
 * The planner thread's entry point (see planner-thread.ts): reads leads through its own read-only
 * connection, plans them batch by batch, and posts each plan when asked for the next.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { orderSequences, policyFrom, scoringFrom } from '../workspace/policy.js';
import { planLeads } from './batch-plan.js';
import { leadBatches, planContext, storesFor } from './context.js';
import type { PlannerInput, PlannerReply } from './planner-thread.js';

const input = workerData as PlannerInput;
const sqlite = new Database(input.dbPath, { readonly: true });
sqlite.pragma('busy_timeout = 5000');
const ctx = planContext({
  policy: policyFrom(input.config),
  scoring: scoringFrom(input.config),
  sequences: orderSequences(input.sequences),
});
const batches = leadBatches(storesFor({ sqlite }), input.batchSize);
const port = parentPort!;

// The run asks for one batch at a time ('next') and terminates the thread when it is done.
port.on('message', () => {
  let reply: PlannerReply;
  try {
    const next = batches.next();
    reply = next.done
      ? { kind: 'done' }
      : { kind: 'plan', plan: planLeads(ctx, next.value, { ...input.options, scores: true, dueSends: 'defer' }) };
  } catch (error) {
    reply = { kind: 'error', message: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
