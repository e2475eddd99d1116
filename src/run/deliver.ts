import { AttemptLog } from '../db/confirmations.js';
import { GroupedWrites } from '../db/grouped-writes.js';
import { type Decision, leadWhere } from '../domain/lead-plan.js';
import { messageRef } from '../mail/links.js';
import { composeMessage } from '../mail/message.js';
import { afterFailure } from '../mail/retry.js';
import { parseDuration } from '../time/duration.js';
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
  /** Messages composed and not yet answered: the ones in hand, and as many again ready to claim. */
  lookahead: DeliverySlots;
  /** Claims and outcomes answered in the same turn of the event loop share one commit. */
  writes: GroupedWrites;
  /** How long a temporarily refused touch is retried before it is given up as a soft bounce. */
  softBounceAfter: { text: string; ms: number };
  /**
   * Set by the first fault on our side (relay down, login or sender refused, TLS, DNS): nothing
   * more is claimed in this run, and what was in hand goes back to waiting.
   */
  halted?: { cause: string; response: string };
}

export function deliveryFor(deps: RunDeps): RunDelivery {
  const text = deps.workspace.config.delivery.softBounceAfter;
  const inHand = Math.min(MAX_DELIVERY_CONCURRENCY, deps.workspace.config.smtpPool.connections);
  return {
    slots: new DeliverySlots(inHand),
    lookahead: new DeliverySlots(2 * inHand),
    writes: new GroupedWrites(deps.conn.sqlite),
    softBounceAfter: { text, ms: parseDuration(text)?.approxMs ?? 3 * 86_400_000 },
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
  const { slots, lookahead, writes } = delivery;
  const advanced: LoadedLead[] = [];
  const attempts = new AttemptLog(deps.conn.sqlite);
  const allowed = deps.workspace.policy.consent === 'single' ? ['confirmed', 'pending'] : ['confirmed'];
  const { config } = deps.workspace;
  /**
   * One touch, composed beforehand by `compose` (a message that cannot be rendered is never
   * claimed; none in a dry run): claimed, sent and recorded. `answered` gives the slot back once
   * the outcome is queued.
   */
  const compose = (p: PendingSend) => {
    const profile = p.lead.state.profile;
    const { sequence } = p.decision;
    const step = chosenStep(p);
    const ref = messageRef(deps.secret, profile.id, sequence.id, step.id);
    const message = composeMessage(deps.renderer, { lead: profile, sequence, step, ref, sender: config.sender, baseUrl: config.baseUrl, secret: deps.secret, at: now, unsubscribeMailbox: config.unsubscribeMailbox });
    return { ref, message };
  };
  const deliverOne = async (p: PendingSend, composedMessage: ReturnType<typeof compose> | undefined, answered: () => void): Promise<void> => {
    const profile = p.lead.state.profile;
    const { sequence } = p.decision;
    const step = chosenStep(p);
    const zone = leadWhere(profile, deps.workspace.policy).zone;
    const item = touchItem(profile.email, zone, sequence.id, step.id, step.force, now, describeReasons(p.decision.reasons));
    if (composedMessage) {
      const { ref, message } = composedMessage;
      if (!(await writes.write(() => stores.outbox.claim(p.sendId, ref, profile.id, allowed, runId, now)))) {
        report.skipped.push({ ...item, reason: whyNotClaimed(stores, p.sendId, zone) });
        return;
      }
      const result = await deps.mailer.deliver(message);
      const answeredAt = deps.clock.now();
      if (!result.ok && result.kind === 'transport') {
        // Our side, not the lead's: the touch waits as it was, and nothing more is claimed.
        delivery.halted ??= { cause: result.cause, response: result.response };
        const released = writes.write(() => stores.outbox.release(p.sendId, answeredAt));
        answered();
        await released;
        return;
      }
      // The attempt and the outcome are written together.
      const recorded = writes.write(() => {
        attempts.record({ sendId: p.sendId, at: answeredAt, ok: result.ok, permanent: !result.ok && result.kind !== 'soft', response: result.response, runId });
        if (result.ok) {
          stores.outbox.markSent(p.sendId, message.messageId, result.response, answeredAt);
          return undefined;
        }
        const outcome = afterFailure({
          // Not 'transport': that returned above.
          kind: result.kind as Exclude<typeof result.kind, 'transport'>,
          response: result.response,
          attempts: stores.outbox.attemptsOf(p.sendId),
          firstFailedAt: stores.outbox.firstFailedAt(p.sendId) ?? now,
          now,
          softBounceAfter: delivery.softBounceAfter,
        });
        stores.outbox.markFailed(p.sendId, outcome.status, outcome.reason, result.response, answeredAt, outcome.retryAt);
        // A hard bounce: the address is never mailed again. A policy refusal does not suppress.
        if (outcome.suppress) stores.leads.suppress(profile.id, 'bounced', now, `smtp: ${result.response}`, answeredAt);
        return outcome.report;
      });
      answered();
      const failedReport = await recorded;
      if (failedReport !== undefined) {
        report.failed.push({ ...item, reason: failedReport });
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
      // Composed ahead, while the messages in hand are on the wire: a connection that answers
      // finds the next message ready to claim, instead of idling while it is rendered.
      await lookahead.acquire();
      let inHand = false;
      const giveBack = () => {
        if (inHand) slots.release();
        inHand = false;
      };
      try {
        const stopped = () => deps.signal?.aborted || failure || delivery.halted;
        if (stopped()) return;
        const message = dryRun ? undefined : compose(p);
        await slots.acquire();
        inHand = true;
        // After SIGTERM nothing new is claimed; what is already in hand finishes and is recorded.
        if (!stopped()) await deliverOne(p, message, giveBack);
      } catch (error) {
        failure ??= { error };
      } finally {
        giveBack();
        lookahead.release();
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
  return 'lead may no longer be mailed (suppressed, consent withdrawn or paused)';
}

/** The step as sent: with the template its content-by-segment entry chose (conditions/sequence-rules.ts chooseContent). */
function chosenStep(p: PendingSend): PendingSend['decision']['step'] {
  return p.decision.template ? { ...p.decision.step, template: p.decision.template } : p.decision.step;
}
