import type { MatchedSend } from '../db/send-match.js';

export type { MatchedSend };

/** Finds the send behind an ESP event, on either database (db/send-match.ts, store/pg/send-match.ts). */
export interface SendMatching {
  byRef(ref: string): Promise<MatchedSend | undefined>;
  /** The last message sent to this address at or before `at`. */
  latestSentTo(email: string, at: number): Promise<MatchedSend | undefined>;
}
