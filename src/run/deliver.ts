import { AttemptLog } from '../db/confirmations.js';
import { GroupCommit } from '../db/group-commit.js';
import { type Decision, leadWhere } from '../domain/lead-plan.js';
import type { LeadProfile } from '../domain/types.js';
import { messageRef } from '../mail/links.js';
import { buildMessage } from '../mail/message.js';
import { retryDelayMs } from '../mail/retry.js';
import type { DeliveryResult, OutgoingMessage } from '../mail/transport.js';
import type { Stores, LoadedLead } from './context.js';
import { describeReasons, touchItem } from './items.js';
import type { RunDeps, RunReport } from './run.js';
import { Slots } from './slots.js';

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
 * What every batch of a run shares to deliver: run-wide, because two batches deliver at once.
 * (Rendering the next message while the connections were busy was tried and measured no faster:
 * the sender is CPU-bound here, so it only moved the same work around.)
 */
export class DeliveryPipeline {
  /** Messages claimed and not yet recorded: one per connection, handed out first come, first served. */
  readonly inHand: Slots;
  /** Claims and outcomes, committed together when they come in together. */
  readonly commits: GroupCommit;

  constructor(connections: number, commits: GroupCommit) {
    this.inHand = new Slots(connections);
    this.commits = commits;
  }

  static forRun(deps: RunDeps): DeliveryPipeline {
    const connections = Math.min(MAX_DELIVERY_CONCURRENCY, deps.workspace.config.smtpPool.connections);
    return new DeliveryPipeline(connections, new GroupCommit(deps.conn.sqlite));
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
  pipeline: DeliveryPipeline,
): Promise<LoadedLead[]> {
  const advanced: LoadedLead[] = [];
  const attempts = new AttemptLog(deps.conn.sqlite);
  const allowed = deps.workspace.policy.consent === 'single' ? ['confirmed', 'pending'] : ['confirmed'];
  const { inHand, commits } = pipeline;

  const deliverOne = async ({ lead, decision, sendId }: PendingSend): Promise<void> => {
    const profile = lead.state.profile;
    const zone = leadWhere(profile, deps.workspace.policy).zone;
    const { sequence, step } = decision;
    const item = touchItem(profile.email, zone, sequence.id, step.id, step.force, now, describeReasons(decision.reasons));
    const sent = () => {
      lead.state.sends.push({ sequenceId: sequence.id, stepId: step.id, status: 'sent', at: now });
      report.sent.push(item);
      advanced.push(lead);
    };
    if (dryRun) return sent();

    await inHand.acquire();
    // After SIGTERM nothing new is claimed; what is already in hand finishes and is recorded.
    if (deps.signal?.aborted) return inHand.release();
    if (!(await commits.write(() => stores.outbox.claim(sendId, profile.id, allowed, runId, now)))) {
      inHand.release();
      report.skipped.push({ ...item, reason: whyNotClaimed(stores, sendId, zone) });
      return;
    }
    let message: OutgoingMessage;
    try {
      message = renderTouch(deps, profile, decision, now);
    } catch (error) {
      inHand.release();
      throw error;
    }
    const result = await deps.mailer.deliver(message);
    const answeredAt = deps.clock.now();
    // The attempt and the outcome are written together. The connection is free as soon as they
    // are queued: writes commit in order, so the next claim lands in this commit or a later one.
    const recorded = commits.write(() =>
      recordAnswer(stores, attempts, { sendId, leadId: profile.id, messageId: message.messageId, result, runId, now, answeredAt }),
    );
    inHand.release();
    if (await recorded) return sent();
    report.failed.push({ ...item, reason: `${!result.ok && result.permanent ? 'rejected' : 'will retry'}: ${result.response}` });
  };

  await Promise.all(pending.map(deliverOne));
  return advanced;
}

function renderTouch(deps: RunDeps, lead: LeadProfile, { sequence, step }: PendingSend['decision'], now: number): OutgoingMessage {
  return buildMessage(deps.renderer, {
    lead,
    sequence,
    step,
    ref: messageRef(deps.secret, lead.id, sequence.id, step.id),
    sender: deps.workspace.config.sender,
    baseUrl: deps.workspace.config.baseUrl,
    secret: deps.secret,
    at: now,
  });
}

interface Answer {
  sendId: number;
  leadId: number;
  messageId: string;
  result: DeliveryResult;
  runId: number;
  /** The run's moment (retries are scheduled from it). */
  now: number;
  answeredAt: number;
}

/** Writes one SMTP answer: the attempt and the row's outcome. True when the message was accepted. */
function recordAnswer(stores: Stores, attempts: AttemptLog, a: Answer): boolean {
  const { sendId, result, answeredAt } = a;
  attempts.record({ sendId, at: answeredAt, ok: result.ok, permanent: !result.ok && result.permanent, response: result.response, runId: a.runId });
  if (result.ok) {
    stores.outbox.markSent(sendId, a.messageId, result.response, answeredAt);
    return true;
  }
  const tries = stores.outbox.attemptsOf(sendId);
  stores.outbox.markFailed(sendId, result.response, result.permanent, answeredAt, a.now + retryDelayMs(tries));
  // A permanent rejection of the recipient is a hard bounce: the address is never mailed again.
  if (result.bounced) stores.leads.suppress(a.leadId, 'bounced', a.now, `smtp: ${result.response}`, answeredAt);
  return false;
}

function whyNotClaimed(stores: Stores, sendId: number, zone: string): string {
  const row = stores.outbox.statusOf(sendId);
  if (row?.status === 'failed' && row.plannedAt !== null) {
    return `deferred: retrying a failed send after ${touchItem('', zone, '', '', '', row.plannedAt).at} (backoff)`;
  }
  if (row?.status === 'sending' || row?.status === 'sent') return 'already claimed by another run';
  return 'lead may no longer be mailed (suppressed or consent withdrawn)';
}
