import { createHash } from 'node:crypto';
import type { PlanContext } from '../domain/lead-plan.js';
import type { Workspace } from '../workspace/load.js';

/** nurture.yaml keys the planner never reads (delivery, sending identity, tooling): editing them replans nobody. */
const NOT_PLANNING = new Set(['sender', 'smtp', 'database', 'baseUrl', 'confirmationTemplate', 'smtpPool', 'unsubscribeMailbox', 'dkim', 'import', 'lint', 'webhooks']);

/**
 * Bumped when a release changes how leads are planned: the first run after an upgrade is full.
 */
const PLANNER_VERSION = 1;

/**
 * The sha-256 of everything a run plans with besides the leads themselves (issue 16): the
 * planning part of nurture.yaml, the sequences, and the day's snapshot (experiments'
 * allocations, send-time counts: run/plan-snapshot.ts). A run whose digest differs from the last
 * complete run's replans every lead. Templates' text is left out: the planner reads template
 * names (in the sequences), never their text.
 */
export function planDigest(workspace: Pick<Workspace, 'config' | 'sequenceDefinitions'>, ctx: PlanContext): string {
  const hash = createHash('sha256');
  const config = Object.fromEntries(Object.entries(workspace.config).filter(([key]) => !NOT_PLANNING.has(key)));
  hash.update(JSON.stringify({ version: PLANNER_VERSION, config, sequences: workspace.sequenceDefinitions, allocations: ctx.allocations ?? null }));
  const counts = ctx.sendTime?.counts;
  if (counts) {
    hash.update(JSON.stringify(counts.workspace));
    for (const domain of [...counts.domains.keys()].sort()) hash.update(`${domain}:${counts.domains.get(domain)!.bins.join(',')}`);
  }
  return hash.digest('hex');
}

/** The `plan_state` key of the digest the last complete full run planned with. */
export const DIGEST_KEY = 'plan_digest';

/**
 * Whom a run plans, and why: everyone on a dry run (it is how one sees why the whole base gets
 * no mail), with --full, on the first run, or when the digest moved; else those due or changed.
 */
export function replanFor(dryRun: boolean, full: boolean, stored: string | undefined, digest: string): { mode: 'full' | 'incremental'; why: string } {
  if (dryRun) return { mode: 'full', why: 'a dry run plans every lead' };
  if (full) return { mode: 'full', why: 'asked (--full)' };
  if (stored === undefined) return { mode: 'full', why: 'no full run has completed since the rules were last read (first run, or one stopped halfway)' };
  if (stored !== digest) return { mode: 'full', why: "the planning rules or the day's snapshot changed" };
  return { mode: 'incremental', why: 'leads due or with new input' };
}
