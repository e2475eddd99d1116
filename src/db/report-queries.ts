import type { Database } from 'better-sqlite3';
import type { ConversionCandidate, GoalSpec, GroupCounts, HoldoutCounts } from '../report/types.js';

/** What the report groups by, as SQL over a send `s` (and its time `t`): up to three key columns. */
export type ReportKey = 'sequence' | 'step' | 'force' | 'week' | 'variant' | 'segment';

export interface GroupedCounts {
  keys: [string | null, string | null, string | null];
  counts: GroupCounts;
}

/** Monday 00:00 UTC of the week an instant (epoch ms) falls in, as YYYY-MM-DD. */
export const week = (ms: string) => `date(${ms} / 1000, 'unixepoch', '-6 days', 'weekday 1')`;

const KEY_SQL: Record<ReportKey, [string, string, string]> = {
  sequence: ['s.sequence_id', "''", "''"],
  step: ['s.sequence_id', 's.step_id', 's.force'],
  force: ['s.force', "''", "''"],
  week: [week("CASE WHEN s.status = 'sent' THEN s.sent_at ELSE s.updated_at END"), "''", "''"],
  // Experiments: the touches that carried a variant (README "Experiments"), one row per arm.
  variant: ['s.sequence_id', 's.step_id', 's.variant'],
  // Segments: the lead's named segments (temp.report_segments, filled by setSegments); a lead in
  // several counts in each, a lead in none under NO_SEGMENT.
  segment: ["coalesce(seg.segment, '(none)')", "''", "''"],
};

/** The row of the leads in no named segment. */
export const NO_SEGMENT = '(none)';

/** The messages a report counts: sent in [@from, @to), or refused by the relay then. */
export const COHORT = `((s.status = 'sent' AND s.sent_at >= @from AND s.sent_at < @to)
  OR (s.status = 'skipped' AND s.reason = 'rejected by the mail server' AND s.updated_at >= @from AND s.updated_at < @to))`;

const OPEN_OR_CLICK = "e.type IN ('email_opened', 'email_clicked')";
/** A bounce the provider called soft (transient); every other bounce is hard. */
const SOFT_BOUNCE = `lower(coalesce(json_extract(b.properties, '$.bounce_type'), json_extract(b.properties, '$.bounceType'),
  json_extract(b.properties, '$.severity'), '')) IN ('soft', 'transient', 'temporary')`;

/**
 * One flags value per message, from the events index alone (send_id, type, signal), in one probe:
 * 1 opened (an open or a click: a click proves the message was opened), 2 opened by a person,
 * 4 clicked, 8 clicked by a person, 16 unsubscribed, 32 complained, 64 bounced. A message the
 * relay refused is a hard bounce. Whether a bounce was soft is read (from its properties) only
 * for the few messages that bounced, when the groups are summed.
 */
const FLAGS = `CASE WHEN s.status = 'sent' THEN coalesce((SELECT
    max(${OPEN_OR_CLICK}) + 2 * max(${OPEN_OR_CLICK} AND e.signal = 'human')
    + 4 * max(e.type = 'email_clicked') + 8 * max(e.type = 'email_clicked' AND e.signal = 'human')
    + 16 * max(e.type = 'unsubscribed') + 32 * max(e.type = 'complained') + 64 * max(e.type = 'bounced')
    FROM events e WHERE e.send_id = s.id), 0)
  ELSE 64 END`;

const SOFT = `CASE WHEN (flags & 64) > 0 THEN EXISTS (SELECT 1 FROM events b WHERE b.send_id = m.send_id AND b.type = 'bounced' AND ${SOFT_BOUNCE}) ELSE 0 END`;

const PER_LEAD = `count(*) AS n, sum((flags & 64) = 0) AS nd, max((flags & 64) = 0) AS dl,
  sum((flags & 64) > 0 AND NOT ${SOFT}) AS hb, sum(${SOFT}) AS sb, max((flags & 1) > 0) AS o, max((flags & 2) > 0) AS ho,
  max((flags & 4) > 0) AS c, max((flags & 8) > 0) AS hc, max((flags & 16) > 0) AS u, max((flags & 32) > 0) AS cp`;
const SUMS = `count(*) AS leads, sum(n) AS sent, sum(nd) AS delivered, sum(dl) AS deliveredLeads, sum(hb) AS bouncedHard,
  sum(sb) AS bouncedSoft, sum(o) AS opened, sum(ho) AS humanOpened, sum(c) AS clicked, sum(hc) AS humanClicked,
  sum(u) AS unsubscribed, sum(cp) AS complained`;

type CountRow = GroupCounts & { k1: string | null; k2: string | null; k3: string | null };

const countsOf = (r: CountRow): GroupCounts => ({
  sent: r.sent ?? 0,
  leads: r.leads ?? 0,
  delivered: r.delivered ?? 0,
  deliveredLeads: r.deliveredLeads ?? 0,
  bouncedHard: r.bouncedHard ?? 0,
  bouncedSoft: r.bouncedSoft ?? 0,
  opened: r.opened ?? 0,
  humanOpened: r.humanOpened ?? 0,
  clicked: r.clicked ?? 0,
  humanClicked: r.humanClicked ?? 0,
  unsubscribed: r.unsubscribed ?? 0,
  complained: r.complained ?? 0,
});

/**
 * The report's aggregates, in SQL. Messages sent in [from, to) (and those the relay refused
 * then) are the cohort; what they earned (opens, clicks, unsubscribes, bounces, whenever they
 * came) is read per message from the events index, once, into a temporary table kept in lead
 * order, that the group rows and the totals both sum without sorting it again — unique leads
 * need a pass per lead, which the totals cannot take from the rows (a lead in two sequences is
 * one lead in the totals).
 */
export class ReportStore {
  constructor(private readonly sqlite: Database) {}

  messageCounts(by: ReportKey, from: number, to: number): { rows: GroupedCounts[]; totals: GroupCounts } {
    const [k1, k2, k3] = KEY_SQL[by];
    const db = this.sqlite;
    db.exec('DROP TABLE IF EXISTS temp.report_messages');
    db.exec('CREATE TEMP TABLE report_messages (lead_id INTEGER, k1 TEXT, k2 TEXT, k3 TEXT, send_id INTEGER, flags INTEGER, PRIMARY KEY (lead_id, k1, k2, k3, send_id)) WITHOUT ROWID');
    try {
      db.prepare(
        `INSERT INTO temp.report_messages
         SELECT s.lead_id, ${k1}, ${k2}, ${k3}, s.id, ${FLAGS} FROM sends s
         ${by === 'segment' ? 'LEFT JOIN temp.report_segments seg ON seg.lead_id = s.lead_id' : ''}
         WHERE ${COHORT}${by === 'variant' ? ' AND s.variant IS NOT NULL' : ''}`,
      ).run({ from, to });
      const rows = db
        .prepare(
          `SELECT k1, k2, k3, ${SUMS} FROM (SELECT k1, k2, k3, lead_id, ${PER_LEAD} FROM temp.report_messages m GROUP BY lead_id, k1, k2, k3)
           GROUP BY k1, k2, k3 ORDER BY k1, k2, k3`,
        )
        .all() as CountRow[];
      // By segment a message is in the table once per segment of its lead: the totals count it once.
      const messages = by === 'segment' ? '(SELECT DISTINCT lead_id, send_id, flags FROM temp.report_messages)' : 'temp.report_messages';
      const totals = db
        .prepare(`SELECT NULL AS k1, NULL AS k2, NULL AS k3, ${SUMS} FROM (SELECT lead_id, ${PER_LEAD} FROM ${messages} m GROUP BY lead_id)`)
        .get() as CountRow;
      return { rows: rows.map((r) => ({ keys: [r.k1, r.k2, r.k3], counts: countsOf(r) })), totals: countsOf(totals) };
    } finally {
      db.exec('DROP TABLE IF EXISTS temp.report_messages');
    }
  }

  /** The named segments of each lead, for `by: 'segment'` (kept until the connection closes or the next call). */
  setSegments(memberships: Iterable<readonly [number, string]>): void {
    const db = this.sqlite;
    db.exec('DROP TABLE IF EXISTS temp.report_segments');
    db.exec('CREATE TEMP TABLE report_segments (lead_id INTEGER, segment TEXT, PRIMARY KEY (lead_id, segment)) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO temp.report_segments VALUES (?, ?)');
    db.transaction(() => {
      for (const [leadId, segment] of memberships) insert.run(leadId, segment);
    })();
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
      .all({ event: goal.event, within: goal.withinMs, from, until: to + goal.withinMs, ...(goal.urlContains ? { url: goal.urlContains.toLowerCase() } : {}) }) as (Omit<
      ConversionCandidate,
      'touches' | 'goal'
    > & ConversionCandidate['touches'][number])[];
    const out: ConversionCandidate[] = [];
    for (const r of rows) {
      let last = out[out.length - 1];
      if (!last || last.eventId !== r.eventId) out.push((last = { goal: goal.id, eventId: r.eventId, leadId: r.leadId, at: r.at, touches: [] }));
      last.touches.push({ sendId: r.sendId, sequence: r.sequence, step: r.step, force: r.force, sentAt: r.sentAt, enrolledAt: r.enrolledAt, variant: r.variant ?? null });
    }
    return out;
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
      .all(params) as { sequence: string; held: number; n: number; converted: number }[];
    const bySequence = new Map<string, HoldoutCounts>();
    for (const r of rows) {
      let h = bySequence.get(r.sequence);
      if (!h) bySequence.set(r.sequence, (h = { sequence: r.sequence, treated: 0, treatedConverted: 0, heldOut: 0, heldOutConverted: 0 }));
      if (r.held) {
        h.heldOut += r.n;
        h.heldOutConverted += r.converted;
      } else {
        h.treated += r.n;
        h.treatedConverted += r.converted;
      }
    }
    return [...bySequence.values()];
  }
}
