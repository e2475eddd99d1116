import type { Database } from 'better-sqlite3';
import { CountFold, type MessageFlags } from '../report/count-fold.js';
import {
  BOUNCED_HARD,
  BOUNCED_SOFT,
  CLICKED_BY_MACHINE,
  CLICKED_BY_PERSON,
  COMPLAINED,
  OPENED_BY_MACHINE,
  OPENED_BY_PERSON,
  UNSUBSCRIBED,
} from '../report/message-flags.js';
import { type CandidateRow, candidatesOf, type HoldoutRow, holdoutCountsOf } from '../report/query-rows.js';
import type { ConversionCandidate, GoalSpec, GroupCounts, GroupedCounts, HoldoutCounts, ReportKey } from '../report/types.js';

export { NO_SEGMENT, type GroupedCounts, type ReportKey } from '../report/types.js';

/** Monday 00:00 UTC of the week an instant (epoch ms) falls in, as YYYY-MM-DD. */
export const week = (ms: string) => `date(${ms} / 1000, 'unixepoch', '-6 days', 'weekday 1')`;

/**
 * A message's group, as SQL over the send `s`. Step and variant keys are three ids joined by
 * U+001F, which no id holds (ids are lowercase letters, digits and dashes). Segments are not a
 * column: a lead's segments are given (`segmentsOf`) and the fold counts its messages in each.
 */
const KEY_SQL: Record<ReportKey, string> = {
  sequence: 's.sequence_id',
  step: "s.sequence_id || char(31) || s.step_id || char(31) || s.force",
  force: 's.force',
  week: week("CASE WHEN s.status = 'sent' THEN s.sent_at ELSE s.updated_at END"),
  // Experiments: the touches that carried a variant (README "Experiments"), one row per arm.
  variant: "s.sequence_id || char(31) || s.step_id || char(31) || s.variant",
  segment: "''",
};

/** The messages a report counts: sent in [@from, @to), or refused by the relay then. */
export const COHORT = `((s.status = 'sent' AND s.sent_at >= @from AND s.sent_at < @to)
  OR (s.status = 'skipped' AND s.reason = 'rejected by the mail server' AND s.updated_at >= @from AND s.updated_at < @to))`;

/** A bounce the provider called soft (transient); every other bounce is hard. */
const SOFT_BOUNCE = `lower(coalesce(json_extract(e.properties, '$.bounce_type'), json_extract(e.properties, '$.bounceType'),
  json_extract(e.properties, '$.severity'), '')) IN ('soft', 'transient', 'temporary')`;

/**
 * Each event's bit (report/message-flags.ts). Only a bounce reads the event's properties (SQLite
 * then seeks the row); every other event is read from the events_send index alone.
 */
const EVENT_BIT = `CASE e.type
  WHEN 'email_opened' THEN CASE WHEN e.signal = 'human' THEN ${OPENED_BY_PERSON} ELSE ${OPENED_BY_MACHINE} END
  WHEN 'email_clicked' THEN CASE WHEN e.signal = 'human' THEN ${CLICKED_BY_PERSON} ELSE ${CLICKED_BY_MACHINE} END
  WHEN 'unsubscribed' THEN ${UNSUBSCRIBED} WHEN 'complained' THEN ${COMPLAINED}
  WHEN 'bounced' THEN CASE WHEN ${SOFT_BOUNCE} THEN ${BOUNCED_SOFT} ELSE ${BOUNCED_HARD} END
  ELSE 0 END`;
/** The OR of a message's event bits: each bit is a power of two, so the sum of the distinct ones. */
const EARNED = `coalesce((SELECT sum(DISTINCT ${EVENT_BIT}) FROM events e WHERE e.send_id = s.id), 0)`;
/** A message the relay refused is a bounce (hard, unless a bounce event called it soft) and earned nothing else. */
const FLAGS = `CASE WHEN s.status = 'sent' THEN ${EARNED} ELSE ${BOUNCED_HARD} | (${EARNED} & ${BOUNCED_SOFT}) END`;

/**
 * The report's aggregates. Messages sent in [from, to) (and those the relay refused then) are the
 * cohort; what they earned (opens, clicks, unsubscribes, bounces, whenever they came) is read per
 * message from the events index, once. SQLite hands them over a lead at a time (GROUP BY lead,
 * in the order of the sends_lead index, so without sorting), and the fold (report/count-fold.ts)
 * sums messages and, from each lead's flags per group, the unique-lead counts and the totals —
 * unique leads need a pass per lead, which the totals cannot take from the rows (a lead in two
 * sequences is one lead in the totals). An outer GROUP BY over per-lead rows would sort them all.
 */
export class ReportStore {
  constructor(private readonly sqlite: Database) {}

  messageCounts(by: ReportKey, from: number, to: number, segmentsOf?: (leadId: number) => readonly string[]): { rows: GroupedCounts[]; totals: GroupCounts } {
    const leads = this.sqlite
      .prepare(
        `SELECT s.lead_id, json_group_array(json_array(${KEY_SQL[by]}, ${FLAGS})) FROM sends s
         WHERE ${COHORT}${by === 'variant' ? ' AND s.variant IS NOT NULL' : ''} GROUP BY s.lead_id`,
      )
      .raw();
    const fold = new CountFold();
    for (const [leadId, messages] of leads.iterate({ from, to }) as Iterable<[number, string]>)
      fold.addLead(JSON.parse(messages) as MessageFlags[], by === 'segment' ? segmentsOf?.(leadId) : undefined);
    return fold.grouped();
  }

  /** Enrolments (holdouts excluded) started and sunsets ended in [from, to), by sequence or week. */
  enrollmentCounts(by: 'sequence' | 'week', from: number, to: number): Map<string, { enrolled: number; sunset: number }> {
    const key = (t: string) => (by === 'sequence' ? 'sequence_id' : week(t));
    const rows = this.sqlite
      .prepare(
        `SELECT k, sum(enrolled) AS enrolled, sum(sunset) AS sunset FROM (
           SELECT ${key('enrolled_at')} AS k, count(*) AS enrolled, 0 AS sunset FROM enrollments
             WHERE enrolled_at >= @from AND enrolled_at < @to AND reason NOT LIKE 'holdout%' GROUP BY k
           UNION ALL
           SELECT ${key('ended_at')} AS k, 0, count(*) FROM enrollments
             WHERE status = 'exited' AND reason LIKE 'sunset%' AND ended_at >= @from AND ended_at < @to GROUP BY k)
         GROUP BY k`,
      )
      .all({ from, to }) as { k: string; enrolled: number; sunset: number }[];
    return new Map(rows.map((r) => [r.k, { enrolled: r.enrolled, sunset: r.sunset }]));
  }

  /** Goal events in [from, to + within) with the touches sent to the lead in the window before each. */
  conversionCandidates(goal: GoalSpec, from: number, to: number): ConversionCandidate[] {
    const usesGoalIndex = goal.event !== 'email_opened' && goal.event !== 'email_clicked';
    const rows = this.sqlite
      .prepare(
        `SELECT g.id AS eventId, g.lead_id AS leadId, g.occurred_at AS at, s.id AS sendId, s.sequence_id AS sequence,
                s.step_id AS step, s.force AS force, s.sent_at AS sentAt, en.enrolled_at AS enrolledAt, s.variant AS variant
         FROM events g
         JOIN sends s ON s.lead_id = g.lead_id AND s.status = 'sent' AND s.sent_at <= g.occurred_at AND s.sent_at >= g.occurred_at - @within
         JOIN enrollments en ON en.id = s.enrollment_id
         WHERE g.type = @event ${usesGoalIndex ? "AND g.type NOT IN ('email_opened', 'email_clicked')" : "AND g.signal <> 'machine'"}
           AND g.occurred_at >= @from AND g.occurred_at < @until
           ${goal.urlContains ? 'AND instr(lower(g.url), @url) > 0' : ''}
         ORDER BY g.id, s.sent_at, s.id`,
      )
      .all({ event: goal.event, within: goal.withinMs, from, until: to + goal.withinMs, ...(goal.urlContains ? { url: goal.urlContains.toLowerCase() } : {}) }) as CandidateRow[];
    return candidatesOf(goal, rows);
  }

  /**
   * Per sequence, leads enrolled in [from, to) and leads held out then, and how many of each
   * reached any goal within its window after that moment (intention to treat: a treated lead
   * who left the sequence early still counts as treated).
   */
  holdouts(goals: readonly GoalSpec[], from: number, to: number): HoldoutCounts[] {
    if (goals.length === 0) return [];
    const params: Record<string, string | number> = { from, to };
    const terms = goals.map((g, i) => {
      params[`e${i}`] = g.event;
      params[`w${i}`] = g.withinMs;
      if (g.urlContains) params[`u${i}`] = g.urlContains.toLowerCase();
      return `(g.type = @e${i} AND g.occurred_at < en.enrolled_at + @w${i}${g.urlContains ? ` AND instr(lower(g.url), @u${i}) > 0` : ''})`;
    });
    const types = goals.map((_, i) => `@e${i}`).join(', ');
    const onlyRare = goals.every((g) => g.event !== 'email_opened' && g.event !== 'email_clicked');
    // The goal events are few: read them once (by the type index), then join them to the enrolments.
    const rows = this.sqlite
      .prepare(
        `WITH g AS MATERIALIZED (
           SELECT lead_id, type, occurred_at, url FROM events
           WHERE type IN (${types}) ${onlyRare ? "AND type NOT IN ('email_opened', 'email_clicked')" : ''} AND signal <> 'machine')
         SELECT sequence, held, count(*) AS n, sum(converted) AS converted FROM (
           SELECT en.id, en.sequence_id AS sequence, en.reason LIKE 'holdout%' AS held,
             max(CASE WHEN g.lead_id IS NOT NULL AND (${terms.join(' OR ')}) THEN 1 ELSE 0 END) AS converted
           FROM enrollments en LEFT JOIN g ON g.lead_id = en.lead_id AND g.occurred_at >= en.enrolled_at
           WHERE en.enrolled_at >= @from AND en.enrolled_at < @to GROUP BY en.id)
         GROUP BY sequence, held ORDER BY sequence`,
      )
      .all(params) as HoldoutRow[];
    return holdoutCountsOf(rows);
  }
}
