import type { Database } from 'better-sqlite3';

/** The send a provider's event is about. */
export interface MatchedSend {
  id: number;
  email: string;
  sequenceId: string;
  stepId: string;
}

const COLUMNS = 's.id, l.email, s.sequence_id AS sequenceId, s.step_id AS stepId';

/** Finds the send behind an ESP event: by our Message-ID's ref, or the latest one sent to the address. */
export class SendMatcher {
  private readonly byRefStmt;
  private readonly latestStmt;

  constructor(sqlite: Database) {
    this.byRefStmt = sqlite.prepare(`SELECT ${COLUMNS} FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.ref = ? AND s.ref <> ''`);
    this.latestStmt = sqlite.prepare(
      `SELECT ${COLUMNS} FROM sends s JOIN leads l ON l.id = s.lead_id
       WHERE l.email = ? AND s.status = 'sent' AND s.sent_at <= ? ORDER BY s.sent_at DESC, s.id DESC LIMIT 1`,
    );
  }

  byRef(ref: string): MatchedSend | undefined {
    return this.byRefStmt.get(ref) as MatchedSend | undefined;
  }

  /** The last message sent to this address at or before `at`. */
  latestSentTo(email: string, at: number): MatchedSend | undefined {
    return this.latestStmt.get(email, at) as MatchedSend | undefined;
  }
}
