import type pg from 'pg';
import type { LeadMetric, LeadsBehind, RowFilter } from '../../report/leads-types.js';
import { asciiLower, COHORT_PG, MESSAGE_WEEK_PG } from './report-sql.js';

const OPEN_OR_CLICK = "e.type IN ('email_opened', 'email_clicked')";
const has = (where: string) => `EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND ${where})`;
const BOUNCED = `(s.status <> 'sent' OR ${has("e.type = 'bounced'")})`;

/** db/report-leads.ts's metrics, as conditions on one message `s` of the cohort. */
const METRIC_PG: Record<Exclude<LeadMetric, 'converted'>, string> = {
  sent: 'true',
  delivered: `NOT ${BOUNCED}`,
  bounced: BOUNCED,
  opened: `s.status = 'sent' AND ${has(OPEN_OR_CLICK)}`,
  humanOpened: `s.status = 'sent' AND ${has(`${OPEN_OR_CLICK} AND e.signal = 'human'`)}`,
  clicked: `s.status = 'sent' AND ${has("e.type = 'email_clicked'")}`,
  humanClicked: `s.status = 'sent' AND ${has("e.type = 'email_clicked' AND e.signal = 'human'")}`,
  unsubscribed: `s.status = 'sent' AND ${has("e.type = 'unsubscribed'")}`,
  complained: `s.status = 'sent' AND ${has("e.type = 'complained'")}`,
};

/** db/report-leads.ts leadsBehind on PostgreSQL: the leads behind one count of a report row. */
export async function leadsBehindPg(db: pg.PoolClient, metric: Exclude<LeadMetric, 'converted'>, filter: RowFilter, from: number, to: number): Promise<LeadsBehind> {
  const params: unknown[] = [from, to];
  const terms: string[] = [];
  const add = (key: keyof RowFilter, column: string) => {
    if (filter[key] === undefined) return;
    terms.push(` AND ${column} = $${params.push(filter[key])}`);
  };
  add('sequence', 's.sequence_id');
  add('step', 's.step_id');
  add('force', 's.force');
  add('week', MESSAGE_WEEK_PG);
  const { rows } = await db.query<{ lead: number; n: number }>(
    `SELECT s.lead_id AS lead, count(*) AS n FROM sends s WHERE ${COHORT_PG}${terms.join('')} AND ${METRIC_PG[metric]} GROUP BY s.lead_id ORDER BY s.lead_id`,
    params,
  );
  return { messages: rows.reduce((a, r) => a + r.n, 0), leadIds: rows.map((r) => r.lead) };
}

/** db/send-time-report.ts on PostgreSQL: send-time messages by arm, with their human opens and clicks. */
export async function sendTimeArmCountsPg(db: pg.PoolClient, from: number, to: number) {
  const reason = asciiLower('s.reason');
  const { rows } = await db.query<{ arm: 'optimised' | 'holdout'; sent: number; humanOpened: number; humanClicked: number }>(
    `SELECT CASE WHEN ${reason} LIKE '%send-time: holdout%' THEN 'holdout' ELSE 'optimised' END AS arm, count(*) AS sent,
       coalesce(sum((EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND e.type IN ('email_opened', 'email_clicked') AND e.signal = 'human'))::int), 0)::bigint AS "humanOpened",
       coalesce(sum((EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND e.type = 'email_clicked' AND e.signal = 'human'))::int), 0)::bigint AS "humanClicked"
     FROM sends s
     WHERE s.status = 'sent' AND s.sent_at >= $1 AND s.sent_at < $2 AND ${reason} LIKE '%send-time: %'
     GROUP BY 1 ORDER BY 1 DESC`,
    [from, to],
  );
  return rows;
}
