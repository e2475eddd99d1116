import { leadWhere } from '../domain/lead-plan.js';
import { retryDelayMs } from '../mail/retry.js';
import { composed } from '../mail/message.js';
import type { PgConfirmations } from '../store/pg/confirmations.js';
import { CONFIRMATION_SEQUENCE, confirmationMessage, confirmationRef } from './confirmations.js';
import type { DeliveryShare } from './deliver.js';
import { touchItem } from './items.js';
import type { DeliveryDeps, DeliveryReport } from './ledger.js';

/**
 * confirmations.ts's sendConfirmations for a tick on PostgreSQL (the elected worker sends them,
 * before the batches, as a SQLite run does): one confirmation email per pending lead, ever,
 * claimed before it is sent.
 */
export async function sendConfirmationsTick(
  deps: DeliveryDeps,
  store: PgConfirmations,
  runId: number,
  now: number,
  report: DeliveryReport,
  delivery: Pick<DeliveryShare, 'halted'>,
): Promise<void> {
  if (deps.workspace.policy.consent !== 'confirmed') return;
  for (let after = 0; ; ) {
    const leads = await store.pendingLeads(after, 500);
    if (leads.length === 0) return;
    after = leads[leads.length - 1]!.id;
    for (const lead of leads) {
      if (deps.signal?.aborted || delivery.halted) return;
      const zone = leadWhere(lead, deps.workspace.policy).zone;
      const item = touchItem(lead.email, zone, CONFIRMATION_SEQUENCE, 'confirm', 'consent', now, 'pending consent: asks the lead to confirm');
      const ref = confirmationRef(deps.secret, lead.id);
      const id = await store.claim(lead.id, ref, now);
      if (id === undefined) continue;
      const result = await deps.mailer.deliver(composed(confirmationMessage(deps, lead, ref, now)));
      const answeredAt = deps.clock.now();
      if (!result.ok && result.kind === 'transport') {
        // Our side: the confirmation waits, with no attempt counted, and the tick stops sending.
        delivery.halted ??= { cause: result.cause, response: result.response };
        await store.release(id);
        return;
      }
      const permanent = !result.ok && result.kind !== 'soft';
      const retryAt = now + retryDelayMs(result.ok ? 1 : await store.attempts(id));
      const suppress = !result.ok && result.kind === 'hard-bounce' ? { leadId: lead.id, at: now } : undefined;
      await store.record(id, { ok: result.ok, permanent, response: result.response, at: answeredAt, runId, retryAt }, suppress);
      if (result.ok) report.sent.push(item);
      else {
        const what = { soft: 'will retry', 'hard-bounce': 'hard bounce', policy: 'refused by policy', rejected: 'rejected', transport: '' }[result.kind];
        report.failed.push({ ...item, reason: `${what}: ${result.response}` });
      }
    }
  }
}
