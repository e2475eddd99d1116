import type { Database } from 'better-sqlite3';
import { AttemptLog } from '../db/confirmations.js';
import type { GroupedWrites } from '../db/grouped-writes.js';
import { afterFailure } from '../mail/retry.js';
import type { Stores } from './context.js';
import { type Answer, type DeliveryLedger, type PendingSend, notClaimedReason } from './ledger.js';

/**
 * The ledger of a SQLite run: each claim and outcome is a synchronous write queued on the run's
 * GroupedWrites, so the writes answered in one turn of the event loop share one commit.
 */
export function sqliteLedger(
  sqlite: Database,
  stores: Stores,
  writes: GroupedWrites,
  options: { allowed: readonly string[]; runId: number; now: number; softBounceAfter: { text: string; ms: number } },
): DeliveryLedger {
  const { allowed, runId, now } = options;
  const attempts = new AttemptLog(sqlite);
  return {
    claim: (p: PendingSend, ref: string) =>
      writes.write(() => stores.outbox.claim(p.sendId, ref, p.lead.state.profile.id, allowed, runId, now)),
    release: (sendId, at) => writes.write(() => stores.outbox.release(sendId, at)),
    record: (p: PendingSend, { result, messageId, at }: Answer) =>
      writes.write(() => {
        attempts.record({ sendId: p.sendId, at, ok: result.ok, permanent: !result.ok && result.kind !== 'soft', response: result.response, runId });
        if (result.ok) {
          stores.outbox.markSent(p.sendId, messageId, result.response, at);
          return undefined;
        }
        const outcome = afterFailure({
          // Not 'transport': deliver.ts releases those before recording.
          kind: result.kind as Exclude<typeof result.kind, 'transport'>,
          response: result.response,
          attempts: stores.outbox.attemptsOf(p.sendId),
          firstFailedAt: stores.outbox.firstFailedAt(p.sendId) ?? now,
          now,
          softBounceAfter: options.softBounceAfter,
        });
        stores.outbox.markFailed(p.sendId, outcome.status, outcome.reason, result.response, at, outcome.retryAt);
        // A hard bounce: the address is never mailed again. A policy refusal does not suppress.
        if (outcome.suppress) stores.leads.suppress(p.lead.state.profile.id, 'bounced', now, `smtp: ${result.response}`, at);
        return outcome.report;
      }),
    whyNotClaimed: async (sendId, zone) => notClaimedReason(stores.outbox.statusOf(sendId), zone),
  };
}
