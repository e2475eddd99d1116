import { AttemptLog } from '../db/confirmations.js';
import { GroupedWrites } from '../db/grouped-writes.js';
import { type Decision, leadWhere } from '../domain/lead-plan.js';
import { messageRef } from '../mail/links.js';
import { composeMessage } from '../mail/message.js';
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

/** What every batch delivering in one run shares: the messages in hand, and the commits. */
export interface RunDelivery {
  slots: DeliverySlots;
  /** Claims and outcomes answered in the same turn of the event loop share one commit. */
  writes: GroupedWrites;
}

export function deliveryFor(deps: RunDeps): RunDelivery {
  return {
    slots: new DeliverySlots(Math.min(MAX_DELIVERY_CONCURRENCY, deps.workspace.config.smtpPool.connections)),
    writes: new GroupedWrites(deps.conn.sqlite),
  };
}

/**
 * Claims, sends and records each due touch; returns the leads that sent something (to advance
 * again). The claim comes first and re-checks consent and suppression in the same statement,
 * so an unsubscribe recorded a moment ago wins, and is committed before the message goes; the
 * outcome is committed as soon as SMTP has answered (with the other writes of that turn of the
 * event loop), so a crash in between leaves the row `sending` — reported by the next run, never
 * resent blindly. A message's slot is given back once its outcome is queued: the next claim shares
 * that commit, so no more messages are ever in hand, uncommitted, than there are connections.
 */
export async function deliverAll(
  deps: RunDeps,
  stores: Stores,
  pending: PendingSend[],
  now: number,
  runId: number,
  dryRun: boolean,
  report: RunReport,
  delivery: RunDelivery,
): Promise<LoadedLead[]> {
  const { slots, writes } = delivery;
  const advanced: LoadedLead[] = [];
  const attempts = new AttemptLog(deps.conn.sqlite);
  const allowed = deps.workspace.policy.consent === 'single' ? ['confirmed', 'pending'] : ['confirmed'];
  const { config } = deps.workspace;
  /**
   * One touch: composed (a message that cannot be rendered is never claimed), claimed, sent and
   * recorded. `answered` gives the slot back once the outcome is queued.
   */
  const deliverOne = async (p: PendingSend, answered: () => void): Promise<void> => {
    const profile = p.lead.state.profile;
    const { sequence } = p.decision;
    // Content by segment: the template the decision chose (conditions/sequence-rules.ts chooseContent).
    const step = p.decision.template ? { ...p.decision.step, template: p.decision.template } : p.decision.step;
    const zone = leadWhere(profile, deps.workspace.policy).zone;
    const item = touchItem(profile.email, zone, sequence.id, step.id, step.force, now, describeReasons(p.decision.reasons));
    if (!dryRun) {
      const ref = messageRef(deps.secret, profile.id, sequence.id, step.id);
      const message = composeMessage(deps.renderer, { lead: profile, sequence, step, ref, sender: config.sender, baseUrl: config.baseUrl, secret: deps.secret, at: now });
      if (!(await writes.write(() => stores.outbox.claim(p.sendId, ref, profile.id, allowed, runId, now)))) {
        report.skipped.push({ ...item, reason: whyNotClaimed(stores, p.sendId, zone) });
        return;
      }
      const result = await deps.mailer.deliver(message);
      const answeredAt = deps.clock.now();
      // The attempt and the outcome are written together.
      const recorded = writes.write(() => {
        attempts.record({ sendId: p.sendId, at: answeredAt, ok: result.ok, permanent: !result.ok && result.permanent, response: result.response, runId });
        if (result.ok) {
          stores.outbox.markSent(p.sendId, message.messageId, result.response, answeredAt);
          return true;
        }
        const tries = stores.outbox.attemptsOf(p.sendId);
        stores.outbox.markFailed(p.sendId, result.response, result.permanent, answeredAt, now + retryDelayMs(tries));
        // A permanent rejection of the recipient is a hard bounce: the address is never mailed again.
        if (result.bounced) stores.leads.suppress(profile.id, 'bounced', now, `smtp: ${result.response}`, answeredAt);
        return false;
      });
      answered();
      if (!(await recorded)) {
        report.failed.push({ ...item, reason: `${!result.ok && result.permanent ? 'rejected' : 'will retry'}: ${result.response}` });
        return;
      }
    }
    p.lead.state.sends.push({ sequenceId: sequence.id, stepId: step.id, status: 'sent', at: now });
    report.sent.push(item);
    advanced.push(p.lead);
  };
  // A write that fails stops the claims, but the messages in hand finish and are recorded before
  // the failure reaches the run (which would otherwise release its lock while they are sending).
  let failure: { error: unknown } | undefined;
  await Promise.all(
    pending.map(async (p) => {
      await slots.acquire();
      let inHand = true;
      const giveBack = () => {
        if (inHand) slots.release();
        inHand = false;
      };
      try {
        // After SIGTERM nothing new is claimed; what is already in hand finishes and is recorded.
        if (!deps.signal?.aborted && !failure) await deliverOne(p, giveBack);
      } catch (error) {
        failure ??= { error };
      } finally {
        giveBack();
      }
    }),
  );
  if (failure) throw failure.error;
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
