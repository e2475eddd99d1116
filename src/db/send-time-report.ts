import type { Database } from 'better-sqlite3';
import type { SendTimeArmCounts } from '../report/send-time-types.js';

/**
 * Messages placed with send-time optimisation on and sent in [from, to), by arm: the stable
 * holdout (its reason says `send-time: holdout…`, domain/send-time/choose.ts) against the rest
 * (the best slot, or an exploratory one). A message counts as opened by a person when it has a
 * human open or click (a click proves the open), read from the events index (send_id, type, signal).
 */
export function sendTimeArmCounts(sqlite: Database, from: number, to: number): SendTimeArmCounts[] {
  return sqlite
    .prepare(
      `SELECT CASE WHEN s.reason LIKE '%send-time: holdout%' THEN 'holdout' ELSE 'optimised' END AS arm, count(*) AS sent,
         coalesce(sum(EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND e.type IN ('email_opened', 'email_clicked') AND e.signal = 'human')), 0) AS humanOpened,
         coalesce(sum(EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND e.type = 'email_clicked' AND e.signal = 'human')), 0) AS humanClicked
       FROM sends s
       WHERE s.status = 'sent' AND s.sent_at >= ? AND s.sent_at < ? AND s.reason LIKE '%send-time: %'
       GROUP BY 1 ORDER BY 1 DESC`,
    )
    .all(from, to) as SendTimeArmCounts[];
}
