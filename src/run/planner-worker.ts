/**
 * The planner thread's entry point (see planner-thread.ts): says when it is ready, then plans
 * each range of leads it is sent, read through its own read-only connection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReader } from '../db/connection.js';
import { planLeads } from './batch-plan.js';
import { leadsInRange, planContext, planRulesFrom, storesFor } from './context.js';
import type { PlannerInput, PlannerReply, PlannerRequest } from './planner-thread.js';

const input = workerData as PlannerInput;
const sqlite = openReader(input.dbPath);
const ctx = planContext(planRulesFrom(input.config, input.sequences, input.allocations), sqlite, input.options.now);
const stores = storesFor({ sqlite });
const port = parentPort!;

port.on('message', (request: PlannerRequest) => {
  let reply: PlannerReply;
  try {
    const leads = leadsInRange(stores, request, input.batchSize, input.dueBy);
    reply = { kind: 'plan', index: request.index, plan: planLeads(ctx, leads, { ...input.options, scores: true, dueSends: 'defer' }) };
  } catch (error) {
    reply = { kind: 'error', message: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ kind: 'ready' } satisfies PlannerReply);
