import type pg from 'pg';
import { LEAD_COLUMNS, type RawLead, toLeadRow } from '../../db/leads.js';
import type { ScoringModel, SentMessage } from '../../domain/scoring.js';
import { type RescoreReport, rescoreChunks, rescoreRecording, rescoreRows, scoringReadsSends } from '../../run/rescore.js';
import { recordScoresPg } from './scores.js';
import { eventsForPg } from './tick-reads.js';

/**
 * rescoreLeads on PostgreSQL: the same chunks and rows (run/rescore.ts), each chunk read and
 * recorded in one transaction (`inChunk`), its leads locked in id order so a tick that writes them
 * meanwhile waits rather than interleaves.
 */
export async function rescoreLeadsPg(
  inChunk: <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
  model: ScoringModel,
  ids: Iterable<number>,
  now: number,
  cause: string,
): Promise<RescoreReport> {
  const report: RescoreReport = { rescored: 0, history: 0, handoffs: 0 };
  for (const chunk of rescoreChunks(ids)) {
    const r = await inChunk(async (client) => {
      const leads = (
        await client.query<RawLead>({ text: `SELECT ${LEAD_COLUMNS} FROM leads WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`, values: [chunk], rowMode: 'array' })
      ).rows.map(toLeadRow);
      const events = await eventsForPg(client, chunk);
      const sends = scoringReadsSends(model) ? await sentMessagesPg(client, chunk) : new Map<number, SentMessage[]>();
      const rows = rescoreRows(model, leads, events, sends, now);
      return { rows: rows.length, ...(await recordScoresPg(client, rows, now, rescoreRecording(cause))) };
    });
    report.rescored += r.rows;
    report.history += r.history;
    report.handoffs += r.handoffs;
  }
  return report;
}

/** ScoreStore.sentMessages on PostgreSQL: each lead's sent emails, oldest first. */
async function sentMessagesPg(client: pg.PoolClient, ids: readonly number[]): Promise<Map<number, SentMessage[]>> {
  const { rows } = await client.query<{ leadId: number; at: number }>(
    `SELECT lead_id AS "leadId", sent_at AS at FROM sends WHERE lead_id = ANY($1::bigint[]) AND status = 'sent' AND sent_at IS NOT NULL
      ORDER BY lead_id, sent_at`,
    [ids],
  );
  const out = new Map<number, SentMessage[]>();
  for (const r of rows) {
    let list = out.get(r.leadId);
    if (!list) out.set(r.leadId, (list = []));
    list.push({ status: 'sent', at: r.at });
  }
  return out;
}
