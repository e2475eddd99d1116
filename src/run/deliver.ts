import { GroupedWrites } from '../db/grouped-writes.js';
import { leadWhere } from '../domain/lead-plan.js';
import { messageRef } from '../mail/links.js';
import { composeMessage } from '../mail/message.js';
import { parseDuration } from '../time/duration.js';
import type { Stores, LoadedLead } from './context.js';
import { describeReasons, touchItem, withVariantItem } from './items.js';
import { allowedConsents, type DeliveryDeps, type DeliveryLedger, type DeliveryReport, type PendingSend } from './ledger.js';
import { sqliteLedger } from './ledger-sqlite.js';
import type { RunDeps } from './run.js';

export type { PendingSend };

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
  return { ...deliveryShare(deps), writes: new GroupedWrites(deps.conn.sqlite) };
}

/** The messages in hand, the lookahead and the soft-bounce period: what delivery shares whatever records it. */
export type DeliveryShare = Omit<RunDelivery, 'writes'>;

export function deliveryShare(deps: Pick<DeliveryDeps, 'workspace'>): DeliveryShare {
  const text = deps.workspace.config.delivery.softBounceAfter;
  const inHand = Math.min(MAX_DELIVERY_CONCURRENCY, deps.workspace.config.smtpPool.connections);
  return {
    slots: new DeliverySlots(inHand),
    lookahead: new DeliverySlots(2 * inHand),
    softBounceAfter: { text, ms: parseDuration(text)?.approxMs ?? 3 * 86_400_000 },
  };
}

/** Claims, sends and records each due touch of a SQLite run (see deliverPending). */
export async function deliverAll(
  deps: RunDeps,
  stores: Stores,
  pending: PendingSend[],
  now: number,
  runId: number,
  dryRun: boolean,
  report: DeliveryReport,
  delivery: RunDelivery,
): Promise<LoadedLead[]> {
  const options = { allowed: allowedConsents(deps.workspace), runId, now, softBounceAfter: delivery.softBounceAfter };
  return deliverPending(deps, sqliteLedger(deps.conn.sqlite, stores, delivery.writes, options), pending, now, dryRun, report, delivery);
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
export async function deliverPending(
  deps: DeliveryDeps,
  ledger: DeliveryLedger,
  pending: PendingSend[],
  now: number,
  dryRun: boolean,
  report: DeliveryReport,
  delivery: DeliveryShare,
): Promise<LoadedLead[]> {
  const { slots, lookahead } = delivery;
  const advanced: LoadedLead[] = [];
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
    const item = withVariantItem(touchItem(profile.email, zone, sequence.id, step.id, step.force, now, describeReasons(p.decision.reasons)), p.decision.variant);
    if (composedMessage) {
      const { ref, message } = composedMessage;
      if (!(await ledger.claim(p, ref))) {
        report.skipped.push({ ...item, reason: await ledger.whyNotClaimed(p.sendId, zone) });
        return;
      }
      const result = await deps.mailer.deliver(message);
      const answeredAt = deps.clock.now();
      if (!result.ok && result.kind === 'transport') {
        // Our side, not the lead's: the touch waits as it was, and nothing more is claimed.
        delivery.halted ??= { cause: result.cause, response: result.response };
        const released = ledger.release(p.sendId, answeredAt);
        answered();
        await released;
        return;
      }
      // The attempt and the outcome are written together.
      const recorded = ledger.record(p, { result, messageId: message.messageId, at: answeredAt });
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

/**
 * The step as sent: with the template its content-by-segment entry chose (conditions/sequence-rules.ts
 * chooseContent), or its experiment variant's template and subject (domain/experiments/plan-variant.ts).
 */
function chosenStep(p: PendingSend): PendingSend['decision']['step'] & { subject?: string; variant?: string } {
  const { template, variant } = p.decision;
  if (!template && !variant) return p.decision.step;
  return {
    ...p.decision.step,
    ...(template ? { template } : {}),
    ...(variant ? { variant: variant.id, ...(variant.subject ? { subject: variant.subject } : {}) } : {}),
  };
}
