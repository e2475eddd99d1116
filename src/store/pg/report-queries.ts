import type pg from 'pg';
import { type CandidateRow, candidatesOf, type HoldoutRow, holdoutCountsOf } from '../../report/query-rows.js';
import type { ConversionCandidate, GoalSpec, HoldoutCounts } from '../../report/types.js';
import { asciiLower, weekPg } from './report-sql.js';

/** ReportStore.enrollmentCounts on PostgreSQL. */
export async function enrollmentCountsPg(db: pg.PoolClient, by: 'sequence' | 'week', from: number, to: number): Promise<Map<string, { enrolled: number; sunset: number }>> {
  const key = (t: string) => (by === 'sequence' ? 'sequence_id' : weekPg(t));
  const { rows } = await db.query<{ k: string; enrolled: number; sunset: number }>(
    `SELECT k, sum(enrolled)::bigint AS enrolled, sum(sunset)::bigint AS sunset FROM (
       SELECT ${key('enrolled_at')} AS k, count(*) AS enrolled, 0 AS sunset FROM enrollments
         WHERE enrolled_at >= $1 AND enrolled_at < $2 AND ${asciiLower('reason')} NOT LIKE 'holdout%' GROUP BY 1
       UNION ALL
       SELECT ${key('ended_at')} AS k, 0, count(*) FROM enrollments
         WHERE status = 'exited' AND ${asciiLower('reason')} LIKE 'sunset%' AND ended_at >= $1 AND ended_at < $2 GROUP BY 1) counts
     GROUP BY k`,
    [from, to],
  );
  return new Map(rows.map((r) => [r.k, { enrolled: r.enrolled, sunset: r.sunset }]));
}

/** ReportStore.conversionCandidates on PostgreSQL: the same join, shaped by the same function. */
export async function conversionCandidatesPg(db: pg.PoolClient, goal: GoalSpec, from: number, to: number): Promise<ConversionCandidate[]> {
  const usesGoalIndex = goal.event !== 'email_opened' && goal.event !== 'email_clicked';
  const { rows } = await db.query<CandidateRow>(
    `SELECT g.id AS "eventId", g.lead_id AS "leadId", g.occurred_at AS at, s.id AS "sendId", s.sequence_id AS sequence,
            s.step_id AS step, s.force AS force, s.sent_at AS "sentAt", en.enrolled_at AS "enrolledAt", s.variant AS variant
     FROM events g
     JOIN sends s ON s.lead_id = g.lead_id AND s.status = 'sent' AND s.sent_at <= g.occurred_at AND s.sent_at >= g.occurred_at - $2
     JOIN enrollments en ON en.id = s.enrollment_id
     WHERE g.type = $1 ${usesGoalIndex ? "AND g.type NOT IN ('email_opened', 'email_clicked')" : "AND g.signal <> 'machine'"}
       AND g.occurred_at >= $3 AND g.occurred_at < $4
       ${goal.urlContains ? `AND strpos(${asciiLower('g.url')}, $5) > 0` : ''}
     ORDER BY g.id, s.sent_at, s.id`,
    [goal.event, goal.withinMs, from, to + goal.withinMs, ...(goal.urlContains ? [goal.urlContains.toLowerCase()] : [])],
  );
  return candidatesOf(goal, rows);
}

/** ReportStore.holdouts on PostgreSQL (intention to treat, the goal events read once). */
export async function holdoutsPg(db: pg.PoolClient, goals: readonly GoalSpec[], from: number, to: number): Promise<HoldoutCounts[]> {
  if (goals.length === 0) return [];
  const params: unknown[] = [from, to];
  const param = (value: unknown) => `$${params.push(value)}`;
  const types: string[] = [];
  const terms = goals.map((g) => {
    const event = param(g.event);
    types.push(event);
    const url = g.urlContains ? ` AND strpos(${asciiLower('g.url')}, ${param(g.urlContains.toLowerCase())}) > 0` : '';
    return `(g.type = ${event} AND g.occurred_at < en.enrolled_at + ${param(g.withinMs)}${url})`;
  });
  const onlyRare = goals.every((g) => g.event !== 'email_opened' && g.event !== 'email_clicked');
  const { rows } = await db.query<HoldoutRow>(
    `WITH g AS MATERIALIZED (
       SELECT lead_id, type, occurred_at, url FROM events
       WHERE type IN (${types.join(', ')}) ${onlyRare ? "AND type NOT IN ('email_opened', 'email_clicked')" : ''} AND signal <> 'machine')
     SELECT sequence, held, count(*) AS n, sum(converted)::bigint AS converted FROM (
       SELECT en.id, en.sequence_id AS sequence, ${asciiLower('en.reason')} LIKE 'holdout%' AS held,
         max(CASE WHEN g.lead_id IS NOT NULL AND (${terms.join(' OR ')}) THEN 1 ELSE 0 END) AS converted
       FROM enrollments en LEFT JOIN g ON g.lead_id = en.lead_id AND g.occurred_at >= en.enrolled_at
       WHERE en.enrolled_at >= $1 AND en.enrolled_at < $2 GROUP BY en.id) per_enrolment
     GROUP BY sequence, held ORDER BY sequence`,
    params,
  );
  return holdoutCountsOf(rows);
}
