import { AttemptLog } from '../db/confirmations.js';
import { type Decision, leadWhere } from '../domain/lead-plan.js';
import { messageRef } from '../mail/links.js';
import { buildMessage } from '../mail/message.js';
import { retryDelayMs } from '../mail/retry.js';
import type { Stores, LoadedLead } from './context.js';
import { describeReasons, touchItem } from './items.js';
import type { RunDeps, RunReport } from './run.js';

export interface PendingSend {
  lead: LoadedLead;
  decision: Extract<Decision, { kind: 'send' }>;
  sendId: number;
}

/**
 * One message in hand per pooled SMTP connection, no more: a claimed row is a message in flight,
 * so a crash (kill -9) leaves only what was on the wire uncertain, and a SIGTERM finishes those
 * and sends nothing else. Claiming further ahead would park claimed rows in nodemailer's queue.
 */
const MAX_DELIVERY_CONCURRENCY = 8;

/**
 * The run-wide limit on messages in hand (claimed, not yet answered): one per pooled SMTP
 * connection, shared by every batch in flight, handed out first come, first served.
 */
export class DeliverySlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(capacity: number) {
    this.free = capacity;
  }

  static forRun(deps: RunDeps): DeliverySlots {
    return new DeliverySlots(Math.min(MAX_DELIVERY_CONCURRENCY, deps.workspace.config.smtpPool.connections));
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Claims, sends and records each due touch; returns the leads that sent something (to advance
 * again). The claim comes first and re-checks consent and suppression in the same statement,
 * so an unsubscribe recorded a moment ago wins; the outcome is written right after SMTP answers,
 * so a crash in between leaves the row `sending` — reported by the next run, never resent blindly.
 */
export async function deliverAll(
  deps: RunDeps,
  stores: Stores,
  pending: PendingSend[],
  now: number,
  runId: number,
  dryRun: boolean,
  report: RunReport,
  slots: DeliverySlots,
): Promise<LoadedLead[]> {
  const advanced: LoadedLead[] = [];
  const attempts = new AttemptLog(deps.conn.sqlite);
  const allowed = deps.workspace.policy.consent === 'single' ? ['confirmed', 'pending'] : ['confirmed'];
  const deliverOne = async ({ lead, decision, sendId }: PendingSend): Promise<void> => {
    {
      const profile = lead.state.profile;
      const zone = leadWhere(profile, deps.workspace.policy).zone;
      const { sequence, step } = decision;
      const item = touchItem(profile.email, zone, sequence.id, step.id, step.force, now, describeReasons(decision.reasons));
      if (!dryRun && !stores.outbox.claim(sendId, profile.id, allowed, runId, now)) {
        report.skipped.push({ ...item, reason: whyNotClaimed(stores, sendId, zone) });
        return;
      }
      if (!dryRun) {
        const message = buildMessage(deps.renderer, {
          lead: profile,
          sequence,
          step,
          ref: messageRef(deps.secret, profile.id, sequence.id, step.id),
          sender: deps.workspace.config.sender,
          baseUrl: deps.workspace.config.baseUrl,
          secret: deps.secret,
          at: now,
        });
        const result = await deps.mailer.deliver(message);
        const answeredAt = deps.clock.now();
        // The attempt and the outcome are written together: one commit per answer.
        const delivered = stores.outbox.transaction(() => {
          attempts.record({ sendId, at: answeredAt, ok: result.ok, permanent: !result.ok && result.permanent, response: result.response, runId });
          if (result.ok) {
            stores.outbox.markSent(sendId, message.messageId, result.response, answeredAt);
            return true;
          }
          const tries = stores.outbox.attemptsOf(sendId);
          stores.outbox.markFailed(sendId, result.response, result.permanent, answeredAt, now + retryDelayMs(tries));
          // A permanent rejection of the recipient is a hard bounce: the address is never mailed again.
          if (result.bounced) stores.leads.suppress(profile.id, 'bounced', now, `smtp: ${result.response}`, answeredAt);
          return false;
        });
        if (!delivered) {
          report.failed.push({ ...item, reason: `${!result.ok && result.permanent ? 'rejected' : 'will retry'}: ${result.response}` });
          return;
        }
      }
      lead.state.sends.push({ sequenceId: sequence.id, stepId: step.id, status: 'sent', at: now });
      report.sent.push(item);
      advanced.push(lead);
    }
  };
  await Promise.all(
    pending.map(async (p) => {
      await slots.acquire();
      try {
        // After SIGTERM nothing new is claimed; what is already in hand finishes and is recorded.
        if (!deps.signal?.aborted) await deliverOne(p);
      } finally {
        slots.release();
      }
    }),
  );
  return advanced;
}

function whyNotClaimed(stores: Stores, sendId: number, zone: string): string {
  const row = stores.outbox.statusOf(sendId);
  if (row?.status === 'failed' && row.plannedAt !== null) {
    return `deferred: retrying a failed send after ${touchItem('', zone, '', '', '', row.plannedAt).at} (backoff)`;
  }
  if (row?.status === 'sending' || row?.status === 'sent') return 'already claimed by another run';
  return 'lead may no longer be mailed (suppressed or consent withdrawn)';
}
