import type pg from 'pg';
import { LEAD_COLUMNS, type RawLead, toLeadRow, type LeadRow } from '../../db/leads.js';
import type { EventType } from '../../domain/types.js';
import type { ZoneSource } from '../../io/types.js';
import type { LoadedLead } from '../../run/loaded-leads.js';
import type { ConsentLogRow } from '../lead-source-types.js';
import { loadBatchPg } from './load.js';

/** One lead's rows on PostgreSQL, decoded as SQLite's LeadStore, EventStore and Outbox decode them. */

export async function findByEmailPg(db: pg.Pool, email: string): Promise<LeadRow | undefined> {
  const { rows } = await db.query<RawLead>({ text: `SELECT ${LEAD_COLUMNS} FROM leads WHERE email = $1`, values: [email.toLowerCase()], rowMode: 'array' });
  return rows[0] ? toLeadRow(rows[0]) : undefined;
}

/** The lead with its events, enrolments and sends: the batch loader over a range of one id. */
export async function loadLeadPg(db: pg.Pool, leadId: number): Promise<LoadedLead | undefined> {
  const client = await db.connect();
  try {
    return (await loadBatchPg(client, { afterId: leadId - 1, lastId: leadId }, 1))[0];
  } finally {
    client.release();
  }
}

/** Every lead so loaded, `batchSize` at a time in id order (keyset paging: bounded memory). */
export async function* loadedBatchesPg(db: pg.Pool, batchSize: number): AsyncGenerator<LoadedLead[]> {
  for (let afterId = 0; ; ) {
    const client = await db.connect();
    let batch: LoadedLead[];
    try {
      batch = await loadBatchPg(client, { afterId, lastId: Number.MAX_SAFE_INTEGER }, batchSize);
    } finally {
      client.release();
    }
    if (batch.length === 0) return;
    yield batch;
    afterId = batch[batch.length - 1]!.state.profile.id;
  }
}

export async function suppressionPg(db: pg.Pool, leadId: number): Promise<{ reason: string; at: number | null } | undefined> {
  const { rows } = await db.query<{ reason: string | null; at: number | null }>(
    'SELECT suppressed_reason AS reason, suppressed_at AS at FROM leads WHERE id = $1',
    [leadId],
  );
  const row = rows[0];
  return row?.reason ? { reason: row.reason, at: row.at } : undefined;
}

export async function zoneSourcePg(db: pg.Pool, leadId: number): Promise<ZoneSource | null> {
  const { rows } = await db.query<{ zone_source: ZoneSource | null }>('SELECT zone_source FROM leads WHERE id = $1', [leadId]);
  return rows[0]?.zone_source ?? null;
}

export async function consentLogPg(db: pg.Pool, leadId: number): Promise<ConsentLogRow[]> {
  const { rows } = await db.query<ConsentLogRow>(
    'SELECT consent, previous, at, source, evidence, refused FROM consent_log WHERE lead_id = $1 ORDER BY at, id',
    [leadId],
  );
  return rows;
}

export async function machineSignalsPg(db: pg.Pool, leadId: number): Promise<{ type: EventType; at: number; reason: string }[]> {
  const { rows } = await db.query<{ type: EventType; at: number; reason: string }>(
    "SELECT type, occurred_at AS at, signal_reason AS reason FROM events WHERE lead_id = $1 AND signal = 'machine' ORDER BY occurred_at, id",
    [leadId],
  );
  return rows;
}

export async function entryReasonsPg(db: pg.Pool, leadId: number): Promise<Map<string, string>> {
  const { rows } = await db.query<{ sequenceId: string; reason: string }>(
    'SELECT sequence_id AS "sequenceId", entry_reason AS reason FROM enrollments WHERE lead_id = $1 ORDER BY id',
    [leadId],
  );
  return new Map(rows.map((r) => [r.sequenceId, r.reason]));
}
