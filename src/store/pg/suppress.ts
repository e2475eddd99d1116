import type pg from 'pg';

/**
 * LeadStore.suppress on PostgreSQL, inside the caller's transaction: the address is never mailed
 * again, the earliest reason wins, and an unsubscribe also moves consent, logged with its evidence.
 * The lead's row is locked first, so two hits at once log one consent change, and a tick claiming
 * the lead's touch (sends.ts: it reads the row at its statement) claims before or sees it suppressed.
 */
export async function suppressLeadPg(client: pg.PoolClient, leadId: number, reason: string, at: number, evidence: string, now: number): Promise<void> {
  const { rows } = await client.query<{ consent: string }>('SELECT consent FROM leads WHERE id = $1 FOR UPDATE', [leadId]);
  const row = rows[0];
  if (!row) return;
  const unsubscribe = reason === 'unsubscribed' && row.consent !== 'unsubscribed';
  await client.query(
    `UPDATE leads SET suppressed_reason = coalesce(suppressed_reason, $2), suppressed_at = coalesce(suppressed_at, $3), updated_at = $4
       ${unsubscribe ? ", consent = 'unsubscribed'" : ''} WHERE id = $1`,
    [leadId, reason, at, now],
  );
  if (unsubscribe)
    await client.query(
      `INSERT INTO consent_log (lead_id, consent, previous, at, recorded_at, source, evidence, refused) VALUES ($1, 'unsubscribed', $2, $3, $4, 'event', $5, NULL)`,
      [leadId, row.consent, at, now, evidence],
    );
}
