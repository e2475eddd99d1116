/**
 * The planner thread's entry point (see planner-thread.ts): says when it is ready, then reads
 * leads after the id it is given through its own read-only connection and plans them, one batch
 * per request.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { orderSequences, policyFrom, scoringFrom } from '../workspace/policy.js';
import { planLeads } from './batch-plan.js';
import { type LoadedLead, leadBatches, planContext, storesFor } from './context.js';
import type { PlannerInput, PlannerReply, PlannerRequest } from './planner-thread.js';

const input = workerData as PlannerInput;
const sqlite = new Database(input.dbPath, { readonly: true });
sqlite.pragma('busy_timeout = 5000');
const ctx = planContext({
  policy: policyFrom(input.config),
  scoring: scoringFrom(input.config),
  sequences: orderSequences(input.sequences),
});
const stores = storesFor({ sqlite });
const port = parentPort!;
let batches: Generator<LoadedLead[]> | undefined;

port.on('message', (request: PlannerRequest) => {
  let reply: PlannerReply;
  try {
    if (request.kind === 'start') batches = leadBatches(stores, input.batchSize, undefined, request.afterId);
    const next = batches!.next();
    reply = next.done
      ? { kind: 'done' }
      : { kind: 'plan', plan: planLeads(ctx, next.value, { ...input.options, scores: true, dueSends: 'defer' }) };
  } catch (error) {
    reply = { kind: 'error', message: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ kind: 'ready' } satisfies PlannerReply);
