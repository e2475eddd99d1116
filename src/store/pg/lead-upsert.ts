import type pg from 'pg';
import { type ConsentLogValues, decideUpsert, type ExistingLead, INSERT_COLUMNS, leadUpdateSet, type UpsertDecision, type UpsertParams } from '../../db/lead-upsert.js';
import type { LeadInput, UpsertResult } from '../../db/leads.js';

/** A new lead's insert lost to another importer's (same address, committed meanwhile): the batch is retried, and finds it. */
export class ConcurrentInsertError extends Error {
  constructor(emails: readonly string[]) {
    super(`leads inserted meanwhile by another import: ${emails.slice(0, 3).join(', ')}${emails.length > 3 ? ', …' : ''}`);
  }
}

type Row = { lead: LeadInput; evidence: string };

const BIGINT_PARAMS = new Set<keyof UpsertParams>(['consent_at', 'suppressed_at']);
const sqlType = (c: keyof UpsertParams) => (BIGINT_PARAMS.has(c) ? 'bigint[]' : 'text[]');

/**
 * LeadStore.upsertBatch on PostgreSQL, in the caller's transaction, with the same rule
 * (db/lead-upsert.ts) and the same rows: the batch's existing leads are locked (in id order, as
 * other writers lock them) before they are read, so a concurrent tick plans each of them wholly
 * before or wholly after the import. A batch that names one address twice is cut where it repeats,
 * so the second row merges into the first as it does in SQLite.
 */
export async function upsertLeadsPg(client: pg.PoolClient, rows: readonly Row[], now: number): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, consentChanges: 0, refused: [] };
  // Leads batches run side by side; an events batch with unknown addresses waits for them (idsForEventsPg).
  await client.query('SELECT pg_advisory_xact_lock_shared($1, 0)', [NEW_LEADS_LOCK_CLASS]);
  for (const part of distinctRuns(rows)) await upsertPart(client, part, now, result);
  return result;
}

/** Consecutive runs of rows with distinct addresses. */
function distinctRuns(rows: readonly Row[]): Row[][] {
  const runs: Row[][] = [];
  let seen = new Set<string>();
  for (const r of rows) {
    const email = r.lead.email.toLowerCase();
    if (runs.length === 0 || seen.has(email)) {
      runs.push([]);
      seen = new Set();
    }
    seen.add(email);
    runs.at(-1)!.push(r);
  }
  return runs;
}

async function upsertPart(client: pg.PoolClient, rows: readonly Row[], now: number, result: UpsertResult): Promise<void> {
  const emails = rows.map((r) => r.lead.email.toLowerCase());
  const found = await client.query<ExistingLead & { email: string }>(
    'SELECT id, email, consent, attributes, suppressed_reason FROM leads WHERE email = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [emails],
  );
  const existing = new Map(found.rows.map((r) => [r.email, r]));
  const decisions = rows.map((r, i) => decideUpsert(r.lead, r.evidence, existing.get(emails[i]!), now));
  const ids = await insertNew(client, decisions.filter((d) => !d.existing), now);
  const old = decisions.filter((d) => d.existing);
  if (old.length > 0) {
    const cols = ['id', ...INSERT_COLUMNS.filter((c) => c !== 'email')] as const;
    await client.query(
      `UPDATE leads SET ${leadUpdateSet((n) => (n === 'now' ? `$${cols.length + 1}` : `u.p_${n}`))}
         FROM unnest(${cols.map((c, i) => `$${i + 1}::${c === 'id' ? 'bigint[]' : sqlType(c)}`).join(', ')}) AS u(${cols.map((c) => `p_${c}`).join(', ')})
        WHERE leads.id = u.p_id`,
      [...cols.map((c) => old.map((d) => (c === 'id' ? d.existing!.id : d.params[c]))), now],
    );
  }
  const logs: [number, ...ConsentLogValues][] = [];
  for (const d of decisions) {
    if (d.existing) result.updated++;
    else result.inserted++;
    if (d.refused) result.refused.push(d.refused);
    else if (d.log) result.consentChanges++;
    if (d.log) logs.push([d.existing?.id ?? ids.get(d.params.email)!, ...d.log]);
  }
  await logConsent(client, logs);
}

/** Inserts the new leads in row order (their ids follow it, as SQLite's do); address → id. */
async function insertNew(client: pg.PoolClient, fresh: readonly UpsertDecision[], now: number): Promise<Map<string, number>> {
  if (fresh.length === 0) return new Map();
  const cols = INSERT_COLUMNS;
  const n = cols.length;
  const { rows } = await client.query<{ id: number; email: string }>(
    `INSERT INTO leads (${cols.join(', ')}, created_at, updated_at)
       SELECT ${cols.join(', ')}, $${n + 1}, $${n + 1}
         FROM unnest(${cols.map((c, i) => `$${i + 1}::${sqlType(c)}`).join(', ')}) WITH ORDINALITY AS u(${cols.join(', ')}, n) ORDER BY n
       ON CONFLICT (email) DO NOTHING RETURNING id, email`,
    [...cols.map((c) => fresh.map((d) => d.params[c])), now],
  );
  if (rows.length < fresh.length) {
    const got = new Set(rows.map((r) => r.email));
    throw new ConcurrentInsertError(fresh.map((d) => d.params.email).filter((e) => !got.has(e)));
  }
  return new Map(rows.map((r) => [r.email, r.id]));
}

async function logConsent(client: pg.PoolClient, logs: readonly [number, ...ConsentLogValues][]): Promise<void> {
  if (logs.length === 0) return;
  const column = (k: number) => logs.map((l) => l[k]);
  await client.query(
    `INSERT INTO consent_log (lead_id, consent, previous, at, recorded_at, source, evidence, refused)
       SELECT l, c, p, a, r, s, e, f FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[])
         WITH ORDINALITY AS u(l, c, p, a, r, s, e, f, n) ORDER BY n`,
    [0, 1, 2, 3, 4, 5, 6, 7].map(column),
  );
}

/**
 * The advisory-lock namespace that keeps an events batch from quarantining an address while a
 * leads batch adds it: leads batches hold (NEW_LEADS_LOCK_CLASS, 0) shared, an events batch that
 * found unknown addresses takes it exclusively and looks again. Either the leads batch committed
 * first (the second look finds the lead) or it starts after the events batch commits (its
 * resolveQuarantine moves the events in): never both missed.
 */
export const NEW_LEADS_LOCK_CLASS = 0x6e75716c;

/** idsByEmailPg for an events batch; see NEW_LEADS_LOCK_CLASS. */
export async function idsForEventsPg(client: pg.PoolClient, emails: readonly string[]): Promise<Map<string, number>> {
  const ids = await idsByEmailPg(client, emails);
  if (ids.size === new Set(emails.map((e) => e.toLowerCase())).size) return ids;
  await client.query('SELECT pg_advisory_xact_lock($1, 0)', [NEW_LEADS_LOCK_CLASS]);
  return idsByEmailPg(client, emails);
}

/** LeadStore.idsByEmail: lower-cased address → id. */
export async function idsByEmailPg(client: pg.PoolClient, emails: readonly string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const { rows } = await client.query<{ id: number; email: string }>('SELECT id, email FROM leads WHERE email = ANY($1::text[])', [
    emails.map((e) => e.toLowerCase()),
  ]);
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** LeadStore.suppress: the earliest reason wins; an unsubscribe also sets consent, logged. */
export async function suppressPg(client: pg.PoolClient, leadId: number, reason: string, at: number, evidence: string, now: number): Promise<void> {
  const { rows } = await client.query<{ consent: string }>('SELECT consent FROM leads WHERE id = $1 FOR UPDATE', [leadId]);
  await client.query(
    'UPDATE leads SET suppressed_reason = coalesce(suppressed_reason, $2), suppressed_at = coalesce(suppressed_at, $3), updated_at = $4 WHERE id = $1',
    [leadId, reason, at, now],
  );
  const consent = rows[0]!.consent;
  if (reason === 'unsubscribed' && consent !== 'unsubscribed') {
    await client.query("UPDATE leads SET consent = 'unsubscribed' WHERE id = $1", [leadId]);
    await logConsent(client, [[leadId, 'unsubscribed', consent, at, now, 'event', evidence, null]]);
  }
}
