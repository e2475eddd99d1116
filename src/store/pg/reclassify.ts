import type pg from 'pg';
import { LINK_LOCK_CLASS } from './link-events.js';
import { reclassifiedAlone, reclassifiedMessage, type ReclassifyCounts, type SignalRow, type SignalUpdate } from '../../db/signal-store.js';
import { inTransaction } from './transaction.js';

const SIGNAL_COLUMNS = 'id, type, occurred_at AS at, url, properties, signal, signal_reason AS reason';

async function writeUpdates(client: pg.PoolClient, updates: readonly SignalUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const ids = updates.map((u) => u[0]);
  // The wake trigger updates each changed event's lead: lock those leads first, in id order, as
  // imports and ticks do, so this batch cannot deadlock with them.
  await client.query('SELECT 1 FROM leads WHERE id IN (SELECT lead_id FROM events WHERE id = ANY($1::bigint[])) ORDER BY id FOR UPDATE', [ids]);
  await client.query(
    `UPDATE events SET signal = u.signal, signal_reason = u.reason FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, signal, reason)
     WHERE events.id = u.id`,
    [ids, updates.map((u) => u[1]), updates.map((u) => u[2])],
  );
}

/**
 * SignalStore.reclassifyAll (src/db/signal-store.ts) on PostgreSQL, with the same decisions
 * (reclassifiedMessage, reclassifiedAlone): refs linked to their messages first, then `batch`
 * messages per transaction, their opens and clicks locked (FOR UPDATE) while they are read and
 * written, so a webhook recording a click meanwhile waits rather than being classified apart
 * from its burst. A changed class wakes the lead (the events trigger of migrations/pg/0002).
 */
export async function reclassifyAllPg(pool: pg.Pool, batch = 2_000): Promise<ReclassifyCounts> {
  const counts: ReclassifyCounts = { examined: 0, changed: 0, human: 0, machine: 0 };
  await pool.query(
    `UPDATE events SET send_id = s.id FROM sends s
     WHERE events.send_id IS NULL AND events.properties LIKE '%"ref"%' AND s.ref <> '' AND s.ref = (events.properties::jsonb ->> 'ref')`,
  );
  for (let after = 0; ; ) {
    const { rows: ids } = await pool.query<{ id: number }>(
      "SELECT DISTINCT send_id AS id FROM events WHERE send_id > $1 AND type IN ('email_opened', 'email_clicked') ORDER BY send_id LIMIT $2",
      [after, batch],
    );
    if (ids.length === 0) break;
    const sendIds = ids.map((r) => r.id);
    await inTransaction(pool, async (client) => {
      // The link endpoint's lock of each message first (store/pg/link-events.ts), in id order: a click
      // recorded meanwhile waits and is judged with its burst, never beside this batch.
      await client.query(`SELECT pg_advisory_xact_lock(${LINK_LOCK_CLASS}, hashtext(ref)) FROM sends WHERE id = ANY($1::bigint[]) ORDER BY id`, [sendIds]);
      const { rows } = await client.query<SignalRow & { sendId: number }>(
        `SELECT ${SIGNAL_COLUMNS}, send_id AS "sendId" FROM events WHERE send_id = ANY($1::bigint[]) AND type IN ('email_opened', 'email_clicked')
         ORDER BY send_id, occurred_at, id FOR UPDATE`,
        [sendIds],
      );
      const { rows: sent } = await client.query<{ id: number; at: number | null }>('SELECT id, sent_at AS at FROM sends WHERE id = ANY($1::bigint[])', [sendIds]);
      const deliveredAt = new Map(sent.map((s) => [s.id, s.at]));
      const updates: SignalUpdate[] = [];
      for (let i = 0; i < rows.length; ) {
        let j = i;
        while (j < rows.length && rows[j]!.sendId === rows[i]!.sendId) j++;
        updates.push(...reclassifiedMessage(rows.slice(i, j), deliveredAt.get(rows[i]!.sendId) ?? null, counts));
        i = j;
      }
      await writeUpdates(client, updates);
      counts.changed += updates.length;
    });
    after = sendIds[sendIds.length - 1]!;
  }
  for (let afterId = 0; ; ) {
    const last = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<SignalRow>(
        `SELECT ${SIGNAL_COLUMNS} FROM events WHERE send_id IS NULL AND type IN ('email_opened', 'email_clicked') AND id > $1 ORDER BY id LIMIT $2 FOR UPDATE`,
        [afterId, batch],
      );
      const updates = rows.map((row) => reclassifiedAlone(row, counts)).filter((u): u is SignalUpdate => u !== null);
      await writeUpdates(client, updates);
      counts.changed += updates.length;
      return rows[rows.length - 1]?.id;
    });
    if (last === undefined) break;
    afterId = last;
  }
  counts.examined = counts.human + counts.machine;
  return counts;
}
