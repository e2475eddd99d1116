import type pg from 'pg';
import { type EventInput, eventValues } from '../../db/events.js';
import { reclassifiedMessage, type SignalRow } from '../../db/signal-store.js';
import type { ConfirmOutcome, LinkEvents, MessageOfRef, SettledSignal } from '../link-types.js';
import { suppressPg } from './lead-upsert.js';
import { inTransaction } from './transaction.js';

type Queryable = pg.Pool | pg.PoolClient;

/** The advisory-lock namespace of link hits: (LINK_LOCK_CLASS, hashtext(ref)) serialises one message's hits. */
export const LINK_LOCK_CLASS = 0x6e756c6b;

/** EventStore.insertIfSettled's statement: the message found by ref, delivered by $11, in the insert itself. */
const FROM_SETTLED_SEND = `INSERT INTO events (lead_id, type, occurred_at, url, properties, dedupe_key, source, recorded_at, signal, signal_reason, send_id)
  SELECT s.lead_id, $1, $2, $3, $4, $5, $6, $7, $8, $9, s.id FROM sends s
  WHERE s.ref = $10 AND s.ref <> '' AND s.sent_at <= $11`;
const QUIET = ` AND NOT EXISTS (SELECT 1 FROM events o WHERE o.send_id = s.id AND o.type IN ('email_opened', 'email_clicked') AND o.occurred_at > $12)`;
const NO_DUPLICATE = ' ON CONFLICT (dedupe_key) DO NOTHING';

const INSERT_ONE = `INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at, signal, signal_reason, send_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::bigint, (SELECT id FROM sends WHERE ref = $13 AND ref <> '')))
  ON CONFLICT (dedupe_key) DO NOTHING`;

/**
 * The link endpoints' reads and writes on PostgreSQL (the LinkEvents of src/web/links/types.ts).
 * Several `serve` processes may answer one message's links at once, so what SQLite gets from its
 * single writer is made explicit: a click (whose class depends on the message's other clicks of
 * the last second) runs in a transaction holding the message's advisory lock, and so does every
 * reclassification. An open after its message's first minute is independent of the others and
 * stays one INSERT … SELECT by ref.
 */
export class PgLinkEvents implements LinkEvents {
  constructor(
    private readonly pool: pg.Pool,
    /** The locked transaction's client, inside `atomically`. */
    private readonly client?: pg.PoolClient,
  ) {}

  private get db(): Queryable {
    return this.client ?? this.pool;
  }

  async atomically<T>(ref: string, type: EventInput['type'], fn: (links: LinkEvents) => Promise<T>): Promise<T> {
    if (this.client || type !== 'email_clicked') return fn(this);
    return lockedOnMessage(this.pool, ref, (client) => fn(new PgLinkEvents(this.pool, client)));
  }

  async insertIfSettled(e: SettledSignal, ref: string, deliveredBy: number, quietSince: number | undefined, now: number): Promise<boolean> {
    const values: unknown[] = [e.type, e.occurredAt, e.url, JSON.stringify(e.properties), e.dedupeKey, e.source, now, e.signal, e.signalReason ?? '', ref, deliveredBy];
    const sql = quietSince === undefined ? FROM_SETTLED_SEND + NO_DUPLICATE : FROM_SETTLED_SEND + QUIET + NO_DUPLICATE;
    const result = await this.db.query(sql, quietSince === undefined ? values : [...values, quietSince]);
    return (result.rowCount ?? 0) > 0;
  }

  async messageOfRef(ref: string): Promise<MessageOfRef | undefined> {
    const { rows } = await this.db.query<{ leadId: number; sendId: number | null; deliveredAt: number | null }>(
      `SELECT lead_id AS "leadId", id AS "sendId", sent_at AS "deliveredAt" FROM sends WHERE ref = $1 AND ref <> ''
       UNION ALL SELECT lead_id, NULL, NULL FROM confirmations WHERE ref = $1 LIMIT 1`,
      [ref],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.sendId === null ? { leadId: row.leadId } : { leadId: row.leadId, sendId: row.sendId, deliveredAt: row.deliveredAt };
  }

  async insertOne(e: EventInput, now: number): Promise<boolean> {
    return (await insertEventPg(this.db, e, now)) > 0;
  }

  async hasSignalSince(sendId: number, since: number): Promise<boolean> {
    const { rows } = await this.db.query<{ found: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM events WHERE send_id = $1 AND type IN ('email_opened', 'email_clicked') AND occurred_at > $2) AS found",
      [sendId, since],
    );
    return rows[0]!.found;
  }

  async insertAndReclassify(e: EventInput, ref: string, sendId: number, deliveredAt: number | null, now: number): Promise<void> {
    const write = async (client: pg.PoolClient) => {
      await insertEventPg(client, e, now);
      await reclassifySendPg(client, sendId, deliveredAt);
    };
    if (this.client) return write(this.client);
    await lockedOnMessage(this.pool, ref, write);
  }

  async suppress(leadId: number, reason: string, at: number, evidence: string, now: number): Promise<void> {
    await inTransaction(this.pool, (client) => suppressPg(client, leadId, reason, at, evidence, now));
  }

  async confirmByRef(ref: string, now: number, evidence: string): Promise<ConfirmOutcome> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: number; leadId: number }>('SELECT id, lead_id AS "leadId" FROM confirmations WHERE ref = $1', [ref]);
      const confirmation = rows[0];
      if (!confirmation) return 'unknown';
      // The lead's row locked: an unsubscribe or bounce recorded meanwhile is seen, never overwritten.
      const lead = await client.query<{ consent: string; suppressed: string | null }>(
        'SELECT consent, suppressed_reason AS suppressed FROM leads WHERE id = $1 FOR UPDATE',
        [confirmation.leadId],
      );
      const row = lead.rows[0];
      if (!row || row.suppressed !== null || row.consent === 'unsubscribed') return 'refused';
      if (row.consent !== 'confirmed') {
        await client.query("UPDATE leads SET consent = 'confirmed', consent_at = $2, consent_source = 'double-opt-in', updated_at = $2 WHERE id = $1", [
          confirmation.leadId,
          now,
        ]);
        await client.query(
          `INSERT INTO consent_log (lead_id, consent, previous, at, recorded_at, source, evidence, refused) VALUES ($1, 'confirmed', $2, $3, $3, 'double-opt-in', $4, NULL)`,
          [confirmation.leadId, row.consent, now, evidence],
        );
      }
      await client.query(`UPDATE confirmations SET status = 'confirmed', confirmed_at = coalesce(confirmed_at, $2) WHERE id = $1`, [confirmation.id, now]);
      return 'confirmed';
    });
  }
}

/**
 * A transaction holding the message's advisory lock (LINK_LOCK_CLASS, hashtext(ref)). BEGIN and the
 * lock go as one simple-protocol query — one round trip fewer on every click — so the ref is sent
 * as an escaped literal (it is hex from a verified token anyway).
 */
function lockedOnMessage<T>(pool: pg.Pool, ref: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, fn, (client) => `BEGIN; SELECT pg_advisory_xact_lock(${LINK_LOCK_CLASS}, hashtext(${client.escapeLiteral(ref)}))`);
}

/** EventStore's insert of one event on PostgreSQL, in one statement (its values as SQLite's: eventValues); returns 1 when new. */
export async function insertEventPg(db: Queryable, e: EventInput, now: number): Promise<number> {
  const result = await db.query(INSERT_ONE, [...eventValues(e, now)]);
  return result.rowCount ?? 0;
}

/**
 * SignalStore.reclassifySend on PostgreSQL (the same decisions: reclassifiedMessage): the message's
 * opens and clicks read FOR UPDATE, as `events reclassify` reads them, and the changes written back.
 */
export async function reclassifySendPg(client: pg.PoolClient, sendId: number, deliveredAt: number | null): Promise<number> {
  const { rows } = await client.query<SignalRow>(
    `SELECT id, type, occurred_at AS at, url, properties, signal, signal_reason AS reason FROM events
      WHERE send_id = $1 AND type IN ('email_opened', 'email_clicked') ORDER BY occurred_at, id FOR UPDATE`,
    [sendId],
  );
  const updates = reclassifiedMessage(rows, deliveredAt);
  if (updates.length > 0)
    await client.query(
      'UPDATE events e SET signal = u.s, signal_reason = u.r FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, s, r) WHERE e.id = u.id',
      [updates.map((u) => u[0]), updates.map((u) => u[1]), updates.map((u) => u[2])],
    );
  return updates.length;
}
