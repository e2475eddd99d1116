import { afterFailure } from '../mail/retry.js';
import type { SendClaim, SendOutcome, TickStore } from '../store/types.js';
import { type Answer, type DeliveryLedger, type PendingSend, notClaimedReason } from './ledger.js';
import { TurnGroups } from './turn-groups.js';

type Recorded = { p: PendingSend; answer: Answer } | { release: number; at: number };
type Queued = Recorded | { claim: SendClaim };

/**
 * The ledger of a tick over a store (PostgreSQL's): what one turn of the event loop queued — the
 * outcomes SMTP answered (with their delivery_attempts rows, and a hard bounce's suppression)
 * and the claims of the touches taking their slots — goes in one statement, one round trip.
 */
export function storeLedger(
  store: TickStore,
  options: { allowed: readonly string[]; runId: number; now: number; softBounceAfter: { text: string; ms: number } },
): DeliveryLedger {
  const { allowed, runId, now } = options;
  // One group per turn for claims and outcomes alike: a reply's outcome and the claim of the touch
  // that takes its slot are queued in the same turn, and go in one statement.
  const turn = new TurnGroups<Queued, boolean | string | undefined>(async (items) => {
    const claims = items.flatMap((q) => ('claim' in q ? [q.claim] : []));
    const recorded = items.filter((q): q is Recorded => !('claim' in q));
    const { rows, reports, at } = await outcomesOf(recorded);
    const claimed = new Set(await store.claimAndRecord(claims, allowed, runId, now, rows, at));
    let k = 0;
    return items.map((q) => ('claim' in q ? claimed.has(q.claim.sendId) : reports[k++]));
  });
  /** The rows of a turn's outcomes and their report texts (refusals read their history first). */
  const outcomesOf = async (items: readonly Recorded[]) => {
    const refused = items.flatMap((r) => ('p' in r && !r.answer.result.ok ? [r.p.sendId] : []));
    const history = await store.failureHistory(refused);
    const reports: (string | undefined)[] = [];
    const rows: SendOutcome[] = [];
    let at = now;
    for (const r of items) {
      if (!('p' in r)) {
        rows.push({ sendId: r.release, kind: 'released' });
        reports.push(undefined);
        at = Math.max(at, r.at);
        continue;
      }
      const { p, answer } = r;
      const { result } = answer;
      at = Math.max(at, answer.at);
      const attempt = { at: answer.at, ok: result.ok, permanent: !result.ok && result.kind !== 'soft', response: result.response, runId };
      if (result.ok) {
        rows.push({ sendId: p.sendId, kind: 'sent', messageId: answer.messageId, response: result.response, attempt });
        reports.push(undefined);
        continue;
      }
      const past = history.get(p.sendId);
      const outcome = afterFailure({
        // Not 'transport': deliver.ts releases those before recording.
        kind: result.kind as Exclude<typeof result.kind, 'transport'>,
        response: result.response,
        attempts: past?.attempts ?? 0,
        firstFailedAt: past?.firstFailedAt ?? now,
        now,
        softBounceAfter: options.softBounceAfter,
      });
      rows.push({
        sendId: p.sendId,
        kind: outcome.status,
        reason: outcome.reason,
        response: result.response,
        retryAt: outcome.retryAt,
        attempt,
        ...(outcome.suppress ? { suppress: { leadId: p.lead.state.profile.id, at: now, evidence: `smtp: ${result.response}` } } : {}),
      });
      reports.push(outcome.report);
    }
    return { rows, reports, at };
  };
  return {
    claim: async (p, ref) => (await turn.add({ claim: { sendId: p.sendId, leadId: p.lead.state.profile.id, ref } })) as boolean,
    release: async (sendId, at) => void (await turn.add({ release: sendId, at })),
    record: async (p, answer) => (await turn.add({ p, answer })) as string | undefined,
    whyNotClaimed: async (sendId, zone) => notClaimedReason(await store.sendStatus(sendId), zone),
  };
}
