import type pg from 'pg';
import type { MatchedSend, SendMatching } from '../send-match-types.js';

const COLUMNS = 's.id, l.email, s.sequence_id AS "sequenceId", s.step_id AS "stepId"';

/** db/send-match.ts's SendMatcher on PostgreSQL: by our Message-ID's ref, or the latest send to the address. */
export class PgSendMatcher implements SendMatching {
  constructor(private readonly pool: pg.Pool) {}

  async byRef(ref: string): Promise<MatchedSend | undefined> {
    const { rows } = await this.pool.query<MatchedSend>(`SELECT ${COLUMNS} FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.ref = $1 AND s.ref <> ''`, [ref]);
    return rows[0];
  }

  async latestSentTo(email: string, at: number): Promise<MatchedSend | undefined> {
    const { rows } = await this.pool.query<MatchedSend>(
      `SELECT ${COLUMNS} FROM sends s JOIN leads l ON l.id = s.lead_id
        WHERE l.email = $1 AND s.status = 'sent' AND s.sent_at <= $2 ORDER BY s.sent_at DESC, s.id DESC LIMIT 1`,
      [email, at],
    );
    return rows[0];
  }
}
