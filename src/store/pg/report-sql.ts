import {
  BOUNCED_HARD,
  BOUNCED_SOFT,
  CLICKED_BY_MACHINE,
  CLICKED_BY_PERSON,
  COMPLAINED,
  OPENED_BY_MACHINE,
  OPENED_BY_PERSON,
  UNSUBSCRIBED,
} from '../../report/message-flags.js';
import type { ReportKey } from '../../report/types.js';

/**
 * The report's SQL (db/report-queries.ts) in PostgreSQL's dialect, fragment for fragment, so that
 * both stores count the same messages: `$1` and `$2` are the period's bounds.
 */

/**
 * Monday 00:00 UTC of the week an instant (epoch ms) falls in, as YYYY-MM-DD: SQLite's
 * `date(t / 1000, 'unixepoch', '-6 days', 'weekday 1')` (and report/rows.ts weekOf) in integer
 * days, 1970-01-01 being a Thursday.
 */
export const weekPg = (ms: string) => `to_char(date '1970-01-01' + ((${ms}) / 86400000 - ((${ms}) / 86400000 + 3) % 7)::int, 'YYYY-MM-DD')`;

/**
 * SQLite's LIKE and lower() fold ASCII letters only; PostgreSQL's follow the database's locale.
 * Under the "C" collation lower() folds ASCII only too, so both stores match the same texts.
 */
export const asciiLower = (column: string) => `lower(${column} COLLATE "C")`;

const SENT_OR_REFUSED_AT = "CASE WHEN s.status = 'sent' THEN s.sent_at ELSE s.updated_at END";

/** A message's group over the send `s`, ids joined by U+001F as on SQLite (report/count-fold.ts). */
export const KEY_PG: Record<ReportKey, string> = {
  sequence: 's.sequence_id',
  step: 's.sequence_id || chr(31) || s.step_id || chr(31) || s.force',
  force: 's.force',
  week: weekPg(SENT_OR_REFUSED_AT),
  variant: 's.sequence_id || chr(31) || s.step_id || chr(31) || s.variant',
  segment: "''",
};

/** The week a message counts in, for a filter on a report row. */
export const MESSAGE_WEEK_PG = weekPg(SENT_OR_REFUSED_AT);

/** The messages a report counts: sent in [$1, $2), or refused by the relay then. */
export const COHORT_PG = `((s.status = 'sent' AND s.sent_at >= $1 AND s.sent_at < $2)
  OR (s.status = 'skipped' AND s.reason = 'rejected by the mail server' AND s.updated_at >= $1 AND s.updated_at < $2))`;

/** A bounce the provider called soft; properties are JSON text, read only for bounces (CASE is lazy). */
const SOFT_BOUNCE = `${asciiLower("coalesce(e.properties::jsonb ->> 'bounce_type', e.properties::jsonb ->> 'bounceType', e.properties::jsonb ->> 'severity', '')")}
  IN ('soft', 'transient', 'temporary')`;

const EVENT_BIT = `CASE e.type
  WHEN 'email_opened' THEN CASE WHEN e.signal = 'human' THEN ${OPENED_BY_PERSON} ELSE ${OPENED_BY_MACHINE} END
  WHEN 'email_clicked' THEN CASE WHEN e.signal = 'human' THEN ${CLICKED_BY_PERSON} ELSE ${CLICKED_BY_MACHINE} END
  WHEN 'unsubscribed' THEN ${UNSUBSCRIBED} WHEN 'complained' THEN ${COMPLAINED}
  WHEN 'bounced' THEN CASE WHEN ${SOFT_BOUNCE} THEN ${BOUNCED_SOFT} ELSE ${BOUNCED_HARD} END
  ELSE 0 END`;
/** The OR of a message's event bits (SQLite sums the distinct bits: the same number). */
const EARNED = `coalesce((SELECT bit_or(${EVENT_BIT}) FROM events e WHERE e.send_id = s.id), 0)`;
/** A message the relay refused is a hard bounce (unless a bounce event called it soft) and earned nothing else. */
export const FLAGS_PG = `CASE WHEN s.status = 'sent' THEN ${EARNED} ELSE ${BOUNCED_HARD} | (${EARNED} & ${BOUNCED_SOFT}) END`;
