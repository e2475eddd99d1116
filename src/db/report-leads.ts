import type { Database } from 'better-sqlite3';
import type { LeadMetric, LeadsBehind, RowFilter } from '../report/leads-types.js';
import { COHORT, week } from './report-queries.js';

const OPEN_OR_CLICK = "e.type IN ('email_opened', 'email_clicked')";
const has = (where: string) => `EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND ${where})`;
const BOUNCED = `(s.status <> 'sent' OR ${has("e.type = 'bounced'")})`;

/**
 * Each count of the report as a condition on one message `s` of the cohort, as the report's
 * per-message flags (report-queries.ts) define it: a click proves an open, a message the relay
 * refused is a bounce, "human" is the signal the classifier gave the event.
 */
const METRIC_SQL: Record<Exclude<LeadMetric, 'converted'>, string> = {
  sent: '1',
  delivered: `NOT ${BOUNCED}`,
  bounced: BOUNCED,
  opened: `s.status = 'sent' AND ${has(OPEN_OR_CLICK)}`,
  humanOpened: `s.status = 'sent' AND ${has(`${OPEN_OR_CLICK} AND e.signal = 'human'`)}`,
  clicked: `s.status = 'sent' AND ${has("e.type = 'email_clicked'")}`,
  humanClicked: `s.status = 'sent' AND ${has("e.type = 'email_clicked' AND e.signal = 'human'")}`,
  unsubscribed: `s.status = 'sent' AND ${has("e.type = 'unsubscribed'")}`,
  complained: `s.status = 'sent' AND ${has("e.type = 'complained'")}`,
};

export function filterSql(filter: RowFilter): { sql: string; params: Record<string, string> } {
  const terms: string[] = [];
  const params: Record<string, string> = {};
  const add = (key: keyof RowFilter, sql: string) => {
    if (filter[key] === undefined) return;
    terms.push(sql);
    params[key] = filter[key];
  };
  add('sequence', 's.sequence_id = @sequence');
  add('step', 's.step_id = @step');
  add('force', 's.force = @force');
  add('week', `${week("CASE WHEN s.status = 'sent' THEN s.sent_at ELSE s.updated_at END")} = @week`);
  return { sql: terms.map((t) => ` AND ${t}`).join(''), params };
}

/** The leads behind one count of a report row (every metric but `converted`, which attribution decides). */
export function leadsBehind(sqlite: Database, metric: Exclude<LeadMetric, 'converted'>, filter: RowFilter, from: number, to: number): LeadsBehind {
  const where = filterSql(filter);
  const rows = sqlite
    .prepare(`SELECT s.lead_id AS lead, count(*) AS n FROM sends s WHERE ${COHORT}${where.sql} AND ${METRIC_SQL[metric]} GROUP BY s.lead_id ORDER BY s.lead_id`)
    .all({ from, to, ...where.params }) as { lead: number; n: number }[];
  return { messages: rows.reduce((a, r) => a + r.n, 0), leadIds: rows.map((r) => r.lead) };
}
