import type pg from 'pg';
import type { HandoffRow, HistoryRow } from '../../db/scores.js';

/** ScoreStore's reads (src/db/scores.ts) on PostgreSQL: a lead's score history, and the handoffs to sales. */

export async function scoreHistoryPg(db: pg.Pool, leadId: number): Promise<HistoryRow[]> {
  const { rows } = await db.query<HistoryRow>(
    'SELECT at, score, fit, engagement, stage, cause FROM score_history WHERE lead_id = $1 ORDER BY at, id',
    [leadId],
  );
  return rows;
}

export async function handoffOfPg(db: pg.Pool, leadId: number): Promise<{ at: number; reason: string; score: number } | undefined> {
  const { rows } = await db.query<{ at: number; reason: string; score: number }>('SELECT at, reason, score FROM handoffs WHERE lead_id = $1', [leadId]);
  return rows[0];
}

export async function handoffsPg(db: pg.Pool, since: number): Promise<HandoffRow[]> {
  const { rows } = await db.query<HandoffRow>(
    `SELECT h.lead_id AS "leadId", l.email, l.first_name AS "firstName", l.last_name AS "lastName", l.company,
       l.job_title AS "jobTitle", h.at, h.reason, h.score, l.stage
     FROM handoffs h JOIN leads l ON l.id = h.lead_id WHERE h.at >= $1 ORDER BY h.at, h.id`,
    [since],
  );
  return rows;
}
