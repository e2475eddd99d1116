import type pg from 'pg';
import { leadWhere, MAX_SENDS_PER_RUN } from '../domain/lead-plan.js';
import type { PgConfirmations } from '../store/pg/confirmations.js';
import { eventsForPg } from '../store/pg/tick-reads.js';
import { forecastReadsPg, leadBatchesPg } from '../store/pg/forecast-reads.js';
import { inSnapshot } from '../store/pg/snapshot.js';
import { uncertainPg } from '../store/pg/sends.js';
import { type BatchPlan, planLeads } from './batch-plan.js';
import { CONFIRMATION_SEQUENCE } from './confirmations.js';
import { deliverPending, deliveryShare } from './deliver.js';
import { touchItem } from './items.js';
import type { DeliveryDeps, DeliveryLedger, PendingSend } from './ledger.js';
import type { LoadedLead } from './loaded-leads.js';
import { settleTotals } from './report-totals.js';
import type { RunReport } from './run.js';
import { tickContext } from './tick-context.js';
import { emptyReport } from './tick.js';

const BATCH = 1000;

/** A dry run claims nothing: deliverPending never asks its ledger (it composes no message). */
const NO_LEDGER: DeliveryLedger = {
  claim: () => Promise.reject(new Error('a dry run claims nothing')),
  release: () => Promise.reject(new Error('a dry run releases nothing')),
  record: () => Promise.reject(new Error('a dry run records nothing')),
  whyNotClaimed: () => Promise.reject(new Error('a dry run claims nothing')),
};

/**
 * `nurture run --dry-run` on PostgreSQL: what runOnce's dry run reports for the same data (every
 * lead planned, each due touch "sent" up to MAX_SENDS_PER_RUN rounds, the confirmations pending,
 * the uncertain rows), read on one snapshot and writing nothing: no run, no claim, no mark, no mail.
 * Items come batch by batch (the first pass's, then its rounds'), so their order across batches
 * may differ from SQLite's pipelined run; what they are and the counts do not.
 */
export async function dryRunTick(
  deps: DeliveryDeps & { pool: pg.Pool; confirmations: PgConfirmations },
  options: { at: number; listPlanned: boolean; onProgress?: (leads: number) => void },
): Promise<RunReport> {
  const now = options.at;
  const report: RunReport = { ...emptyReport(0, now, { mode: 'full', why: 'a dry run plans every lead', digest: '' }), run: null, dryRun: true };
  return inSnapshot(deps.pool, async (client) => {
    const { ctx } = await tickContext(forecastReadsPg(client), deps.workspace, now);
    for (const u of await uncertainPg(client)) {
      const zone = u.timezone || deps.workspace.policy.defaultZone;
      const reason = 'uncertain: claimed by an earlier run that stopped before confirming; not resent (nurture outbox resolve)';
      report.skipped.push(touchItem(u.email, zone, u.sequenceId, u.stepId, u.force, u.claimedAt ?? now, reason));
    }
    await pendingConfirmations(deps, now, report);
    const delivery = deliveryShare(deps);
    for await (const leads of leadBatchesPg(client, { afterId: 0, lastId: Number.MAX_SAFE_INTEGER }, BATCH)) {
      if (deps.signal?.aborted) break;
      const plan = planLeads(ctx, leads, { now, listPlanned: options.listPlanned, scores: true, dueSends: 'include' });
      report.counts.leads! += plan.leads;
      addPlan(report, plan, options.listPlanned);
      let pending = pendingOf(plan);
      for (let round = 0; pending.length > 0; ) {
        const advanced = await deliverPending(deps, NO_LEDGER, pending, now, true, report, delivery);
        if (++round >= MAX_SENDS_PER_RUN || advanced.length === 0) break;
        // As the run does between rounds: the events stored meanwhile (none, on this snapshot, but the same read).
        const fresh = await eventsForPg(client, advanced.map((l) => l.state.profile.id));
        for (const lead of advanced) lead.state.events = fresh.get(lead.state.profile.id) ?? [];
        const next = planLeads(ctx, advanced, { now, listPlanned: options.listPlanned, scores: false, dueSends: 'include' });
        addPlan(report, next, options.listPlanned);
        pending = pendingOf(next);
      }
      options.onProgress?.(plan.leads);
    }
    settleTotals(report);
    return report;
  });
}

const pendingOf = (plan: BatchPlan): PendingSend[] => plan.sends.map((s) => ({ lead: s.lead as LoadedLead, decision: s.decision, sendId: -1 }));

function addPlan(report: RunReport, plan: BatchPlan, listPlanned: boolean): void {
  for (const [key, n] of Object.entries(plan.counts)) report.counts[key] = (report.counts[key] ?? 0) + n;
  for (const [cause, n] of Object.entries(plan.idle)) report.idle[cause] = (report.idle[cause] ?? 0) + n;
  report.skipped.push(...plan.skipped);
  if (listPlanned) report.planned.push(...plan.planned);
}

/** The double opt-in emails the run would send: listed as sent, as SQLite's dry run lists them. */
async function pendingConfirmations(deps: DeliveryDeps & { confirmations: PgConfirmations }, now: number, report: RunReport): Promise<void> {
  if (deps.workspace.policy.consent !== 'confirmed') return;
  for (let after = 0; ; ) {
    const leads = await deps.confirmations.pendingLeads(after, 500);
    if (leads.length === 0) return;
    after = leads[leads.length - 1]!.id;
    for (const lead of leads) {
      const zone = leadWhere(lead, deps.workspace.policy).zone;
      report.sent.push(touchItem(lead.email, zone, CONFIRMATION_SEQUENCE, 'confirm', 'consent', now, 'pending consent: asks the lead to confirm'));
    }
  }
}
