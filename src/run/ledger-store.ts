import { afterFailure } from '../mail/retry.js';
import type { SendClaim, SendOutcome, TickStore } from '../store/types.js';
import { type Answer, type DeliveryLedger, type PendingSend, notClaimedReason } from './ledger.js';
import { TurnGroups } from './turn-groups.js';

type Recorded = { p: PendingSend; answer: Answer } | { release: number; at: number };

/**
 * The ledger of a tick over a store (PostgreSQL's): the claims of one turn of the event loop go
 * in one claimSends, the outcomes of one turn (with their delivery_attempts rows, and a hard
 * bounce's suppression) in one recordOutcomes transaction.
 */
export function storeLedger(
  store: TickStore,
  options: { allowed: readonly string[]; runId: number; now: number; softBounceAfter: { text: string; ms: number } },
): DeliveryLedger {
  const { allowed, runId, now } = options;
  const claims = new TurnGroups<SendClaim, boolean>(async (items) => {
    const claimed = new Set(await store.claimSends(items, allowed, runId, now));
    return items.map((c) => claimed.has(c.sendId));
  });
  const outcomes = new TurnGroups<Recorded, string | undefined>(async (items) => {
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
    await store.recordOutcomes(rows, at);
    return reports;
  });
  return {
    claim: (p, ref) => claims.add({ sendId: p.sendId, leadId: p.lead.state.profile.id, ref }),
    release: async (sendId, at) => void (await outcomes.add({ release: sendId, at })),
    record: (p, answer) => outcomes.add({ p, answer }),
    whyNotClaimed: async (sendId, zone) => notClaimedReason(await store.sendStatus(sendId), zone),
  };
}
