import type pg from 'pg';
import { CountFold, type MessageFlags } from '../../report/count-fold.js';
import type { GroupCounts, GroupedCounts, ReportKey } from '../../report/types.js';
import { COHORT_PG, FLAGS_PG, KEY_PG } from './report-sql.js';

/** Sends per page: a page ends at the lead of its PAGE_SENDS-th send, so a lead is never split. */
const PAGE_SENDS = 20_000;
const OPEN_END = Number.MAX_SAFE_INTEGER;

/**
 * ReportStore.messageCounts on PostgreSQL: the cohort's messages with their group and flags,
 * read in keyset pages along the sends_lead index (each page a range of lead ids ending on a
 * whole lead), grouped by lead here and fed to the same fold as SQLite's. Memory holds one page.
 */
export async function messageCountsPg(
  db: pg.PoolClient,
  by: ReportKey,
  from: number,
  to: number,
  segmentsOf?: (leadId: number) => readonly string[],
): Promise<{ rows: GroupedCounts[]; totals: GroupCounts }> {
  const fold = new CountFold();
  const text = `SELECT s.lead_id, ${KEY_PG[by]}, ${FLAGS_PG} FROM sends s
    WHERE s.lead_id > $3 AND s.lead_id <= $4 AND ${COHORT_PG}${by === 'variant' ? ' AND s.variant IS NOT NULL' : ''}
    ORDER BY s.lead_id`;
  let after = 0;
  for (;;) {
    const end = await db.query<[number]>({ text: 'SELECT lead_id FROM sends WHERE lead_id > $1 ORDER BY lead_id OFFSET $2 LIMIT 1', values: [after, PAGE_SENDS], rowMode: 'array' });
    const upTo = end.rows[0]?.[0] ?? OPEN_END;
    const page = await db.query<[number, string, number]>({ text, values: [from, to, after, upTo], rowMode: 'array' });
    let lead = -1;
    let messages: MessageFlags[] = [];
    const flush = () => {
      if (messages.length > 0) fold.addLead(messages, by === 'segment' ? segmentsOf?.(lead) : undefined);
      messages = [];
    };
    for (const [leadId, key, flags] of page.rows) {
      if (leadId !== lead) {
        flush();
        lead = leadId;
      }
      messages.push([key, flags]);
    }
    flush();
    if (upTo === OPEN_END) break;
    after = upTo;
  }
  return fold.grouped();
}
