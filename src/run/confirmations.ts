import { createHmac } from 'node:crypto';
import { AttemptLog, ConfirmationStore } from '../db/confirmations.js';
import { leadWhere } from '../domain/lead-plan.js';
import type { LeadProfile } from '../domain/types.js';
import { signLinkAt } from '../mail/links.js';
import { retryDelayMs } from '../mail/retry.js';
import type { RunDelivery } from './deliver.js';
import { composed, outgoing } from '../mail/message.js';
import type { OutgoingMessage } from '../mail/transport.js';
import { storesFor } from './context.js';
import { touchItem } from './items.js';
import type { RunDeps, RunReport } from './run.js';

export const CONFIRMATION_SEQUENCE = 'double-opt-in';

export function confirmationRef(secret: string, leadId: number): string {
  return createHmac('sha256', secret).update(`confirm|${leadId}`).digest('hex').slice(0, 24);
}

/**
 * Double opt-in: under `consent: confirmed`, each pending lead gets one confirmation email with a
 * signed link (it is the lead's own request, so it goes at the first run, not in a send window
 * and not under the nurture caps). Following the link makes the lead confirmed; no nurture mail
 * goes to it before that. A lead gets at most one confirmation email, ever.
 */
export async function sendConfirmations(
  deps: RunDeps,
  runId: number,
  now: number,
  dryRun: boolean,
  report: RunReport,
  delivery: Pick<RunDelivery, 'halted'>,
): Promise<void> {
  if (deps.workspace.policy.consent !== 'confirmed') return;
  const store = new ConfirmationStore(deps.conn.sqlite);
  const stores = storesFor(deps.conn);
  const attempts = new AttemptLog(deps.conn.sqlite);
  const leads = new Set<number>();
  let after = 0;
  for (;;) {
    const ids = store.pendingLeadIds(after, 500);
    if (ids.length === 0) break;
    for (const id of ids) leads.add(id);
    after = ids[ids.length - 1]!;
  }
  for (const leadId of leads) {
    if (deps.signal?.aborted || delivery.halted) return;
    const lead = stores.leads.byId(leadId);
    if (!lead) continue;
    const zone = leadWhere(lead, deps.workspace.policy).zone;
    const item = touchItem(lead.email, zone, CONFIRMATION_SEQUENCE, 'confirm', 'consent', now, 'pending consent: asks the lead to confirm');
    if (dryRun) {
      report.sent.push(item);
      continue;
    }
    const ref = confirmationRef(deps.secret, leadId);
    const confirmationId = store.claim(leadId, ref, now);
    if (confirmationId === undefined) continue;
    const message = composed(confirmationMessage(deps, lead, ref, now));
    const result = await deps.mailer.deliver(message);
    const answeredAt = deps.clock.now();
    if (!result.ok && result.kind === 'transport') {
      // Our side: the confirmation waits, with no attempt counted, and the run stops sending.
      delivery.halted ??= { cause: result.cause, response: result.response };
      store.release(confirmationId);
      return;
    }
    attempts.record({ confirmationId, at: answeredAt, ok: result.ok, permanent: !result.ok && result.kind !== 'soft', response: result.response, runId });
    if (result.ok) {
      store.markSent(confirmationId, result.response);
      report.sent.push(item);
    } else {
      const tries = store.forLead(leadId)?.attempts ?? 1;
      const final = result.kind !== 'soft';
      store.markFailed(confirmationId, result.response, final, now + retryDelayMs(tries));
      // A hard bounce suppresses, here as for any other message; a policy refusal does not.
      if (result.kind === 'hard-bounce') stores.leads.suppress(leadId, 'bounced', now, `smtp: ${result.response}`, answeredAt);
      const what = { soft: 'will retry', 'hard-bounce': 'hard bounce', policy: 'refused by policy', rejected: 'rejected', transport: '' }[result.kind];
      report.failed.push({ ...item, reason: `${what}: ${result.response}` });
    }
  }
}

export function confirmationMessage(deps: Pick<RunDeps, 'workspace' | 'secret' | 'renderer'>, lead: LeadProfile, ref: string, now: number): OutgoingMessage {
  const { sender, baseUrl } = deps.workspace.config;
  const base = baseUrl.replace(/\/$/, '');
  const confirm = `${base}/k/${signLinkAt(deps.secret, { kind: 'confirm', ref }, now)}`;
  // Not subscribed yet, but "no thanks" must be one click too: the unsubscribe link suppresses the address.
  const unsubscribe = `${base}/u/${signLinkAt(deps.secret, { kind: 'unsubscribe', ref }, now)}`;
  const template = deps.workspace.config.confirmationTemplate;
  const rendered = deps.renderer.render({
    lead,
    sender,
    sequence: { id: CONFIRMATION_SEQUENCE, name: 'Confirm your subscription' },
    step: { id: 'confirm', force: 'consent', template },
    links: { unsubscribe, confirm },
    track: (url) => url,
  });
  return outgoing({
    sender,
    to: lead.email,
    ref,
    at: now,
    unsubscribe,
    unsubscribeMailbox: deps.workspace.config.unsubscribeMailbox,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    tags: { 'X-Nurture-Sequence': CONFIRMATION_SEQUENCE, 'X-Nurture-Step': 'confirm' },
  });
}
