import type pg from 'pg';
import { type EventInput, eventValues } from '../../db/events.js';

/**
 * EventStore.insertBatch on PostgreSQL: one statement, in the caller's transaction, with the
 * values SQLite inserts (eventValues: the same classification). An event already stored, or
 * given twice in the batch, is left out before the insert takes an id for it, so ids follow the
 * rows as SQLite's do; ON CONFLICT still covers another importer's commit meanwhile. The leads
 * are locked first, in id order (the insert trigger updates each lead row: in this order no two
 * writers wait on each other). Returns how many were new.
 */
export async function insertEventsPg(client: pg.PoolClient, rows: readonly EventInput[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  await client.query('SELECT 1 FROM leads WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [[...new Set(rows.map((r) => r.leadId))]]);
  const values = rows.map((e) => eventValues(e, now));
  // eventValues' order, without recorded_at (index 8, one value for all).
  const columns = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12].map((k) => values.map((v) => v[k]));
  const result = await client.query(
    `INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at, signal, signal_reason, send_id)
       SELECT lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, $13, signal, signal_reason,
              coalesce(send_id, (SELECT s.id FROM sends s WHERE s.ref = u.ref AND s.ref <> ''))
         FROM (SELECT DISTINCT ON (dedupe_key) *
                 FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                             $9::text[], $10::text[], $11::bigint[], $12::text[])
                      WITH ORDINALITY AS u(lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, signal, signal_reason, send_id, ref, n)
                ORDER BY dedupe_key, n) u
        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dedupe_key = u.dedupe_key)
        ORDER BY n
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [...columns, now],
  );
  return result.rowCount ?? 0;
}
