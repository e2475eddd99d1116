import type pg from 'pg';
import type { QuarantineInput, ResolvedEvent } from '../../db/quarantine.js';
import type { EventType } from '../../domain/types.js';

/** QuarantineStore.add on PostgreSQL: events of unknown addresses, each kept once (ids follow the rows, as in SQLite). */
export async function quarantinePg(client: pg.PoolClient, rows: readonly QuarantineInput[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  const column = <T>(f: (e: QuarantineInput) => T) => rows.map(f);
  const result = await client.query(
    `INSERT INTO quarantined_events (email, type, occurred_at, url, properties, external_id, dedupe_key, source, reason, recorded_at)
       SELECT email, type, occurred_at, url, properties, external_id, dedupe_key, source, reason, $10
         FROM (SELECT DISTINCT ON (dedupe_key) *
                 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                      WITH ORDINALITY AS u(email, type, occurred_at, url, properties, external_id, dedupe_key, source, reason, n)
                ORDER BY dedupe_key, n) u
        WHERE NOT EXISTS (SELECT 1 FROM quarantined_events q WHERE q.dedupe_key = u.dedupe_key)
        ORDER BY n
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      column((e) => e.email.toLowerCase()),
      column((e) => e.type),
      column((e) => e.occurredAt),
      column((e) => e.url),
      column((e) => JSON.stringify(e.properties)),
      column((e) => e.externalId ?? null),
      column((e) => e.dedupeKey),
      column((e) => e.source),
      column((e) => e.reason),
      now,
    ],
  );
  return result.rowCount ?? 0;
}

/**
 * QuarantineStore.resolve on PostgreSQL: the quarantined events of these (now known) leads move
 * into `events` in one statement, in the order SQLite moves them (by lead as given, then by
 * quarantine id); one already in `events` is not added twice. Returns every event moved.
 */
export async function resolveQuarantinePg(client: pg.PoolClient, leads: ReadonlyMap<string, number>, now: number): Promise<ResolvedEvent[]> {
  // The common case, nothing quarantined, costs one index probe per batch.
  if (leads.size === 0 || (await client.query('SELECT 1 FROM quarantined_events LIMIT 1')).rows.length === 0) return [];
  const { rows } = await client.query<{ leadId: number; type: EventType; occurredAt: number; source: string }>(
    `WITH m AS (SELECT * FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS m(email, lead_id, n)),
          moved AS (DELETE FROM quarantined_events q USING m WHERE q.email = m.email
                    RETURNING q.id, m.n, m.lead_id, q.type, q.occurred_at, q.url, q.properties, q.external_id, q.dedupe_key, q.source),
          added AS (INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at)
                    SELECT lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, $3 FROM moved
                     WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dedupe_key = moved.dedupe_key)
                     ORDER BY n, id
                    ON CONFLICT (dedupe_key) DO NOTHING)
     SELECT lead_id AS "leadId", type, occurred_at AS "occurredAt", source FROM moved ORDER BY n, id`,
    [[...leads.keys()].map((e) => e.toLowerCase()), [...leads.values()], now],
  );
  return rows;
}
