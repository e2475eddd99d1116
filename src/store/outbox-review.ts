import type { Connection } from '../db/connection.js';
import { AttemptLog } from '../db/confirmations.js';
import type { BackingOff, UncertainOutcome, UncertainSend } from '../db/outbox.js';
import { RunLockedError } from '../db/runs.js';
import type { Stores } from '../run/context.js';

/** How settling an uncertain touch by hand went. */
export type ResolveResult = 'done' | 'not-uncertain' | 'moved-on' | { live: string };

/**
 * What `nurture outbox`, `outbox uncertain` and `outbox resolve` read and write, on either
 * database: one command path, two small adapters (this one over SQLite's stores; store/pg/outbox-review.ts).
 */
export interface OutboxReview {
  backingOff(): Promise<BackingOff[]>;
  uncertain(): Promise<UncertainSend[]>;
  /**
   * Settles an uncertain touch, with its attempt logged, unless a live run may still be sending
   * it (`live` says which): SQLite's run lock, PostgreSQL's lock of the run the touch was claimed in.
   */
  resolve(sendId: number, outcome: UncertainOutcome, messageId: string, now: number): Promise<ResolveResult>;
}

/** The review over SQLite: the run lock's holder, if alive, may be sending any claimed touch. */
export function sqliteOutboxReview(app: { conn: Connection; stores: Stores }): OutboxReview {
  const { outbox, runs } = app.stores;
  return {
    backingOff: () => Promise.resolve(outbox.backingOff()),
    uncertain: () => Promise.resolve(outbox.uncertain()),
    resolve(sendId, outcome, messageId, now) {
      try {
        return Promise.resolve(
          app.conn.sqlite
            .transaction((): ResolveResult => {
              runs.assertNoLiveRun();
              const result = outbox.resolveUncertain(sendId, outcome, messageId, now);
              if (result === 'done') new AttemptLog(app.conn.sqlite).record(handResolution(sendId, outcome, now));
              return result;
            })
            .immediate(),
        );
      } catch (error) {
        if (error instanceof RunLockedError) return Promise.resolve({ live: error.message });
        throw error;
      }
    },
  };
}

/** The delivery_attempts row a resolution by hand leaves (no run: run id 0, stored as null). */
export const handResolution = (sendId: number, outcome: UncertainOutcome, now: number) => ({
  sendId,
  at: now,
  ok: outcome === 'sent',
  permanent: false,
  response: `resolved by hand (${outcome}) with nurture outbox resolve`,
  runId: 0,
});
