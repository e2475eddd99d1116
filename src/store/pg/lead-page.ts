import type pg from 'pg';
import type { ZoneSource } from '../../io/types.js';
import type { LoadedLead } from '../../run/loaded-leads.js';
import { leadIdByEmailPg } from './forecast-reads.js';
import { loadBatchPg } from './load.js';

/** What the lead page reads of one lead besides the planning context, from PostgreSQL. */
export interface LeadPageRows {
  loaded: LoadedLead;
  /** Why the lead entered each sequence, by sequence (Outbox.entryReasons). */
  entered: Map<string, string>;
  suppression?: { reason: string; at: number | null };
  zoneSource: ZoneSource | null;
}

/** The lead with this address as the run loads it, with its entry reasons, suppression and zone source; undefined when there is none. */
export async function leadPageRowsPg(client: pg.PoolClient, email: string): Promise<LeadPageRows | undefined> {
  const id = await leadIdByEmailPg(client, email);
  if (id === undefined) return undefined;
  const [loaded] = await loadBatchPg(client, { afterId: id - 1, lastId: id }, 1);
  if (!loaded) return undefined;
  const entered = await client.query<{ sequenceId: string; reason: string }>(
    'SELECT sequence_id AS "sequenceId", entry_reason AS reason FROM enrollments WHERE lead_id = $1',
    [id],
  );
  const { rows } = await client.query<{ reason: string | null; at: number | null; zoneSource: ZoneSource | null }>(
    'SELECT suppressed_reason AS reason, suppressed_at AS at, zone_source AS "zoneSource" FROM leads WHERE id = $1',
    [id],
  );
  const lead = rows[0]!;
  return {
    loaded,
    entered: new Map(entered.rows.map((r) => [r.sequenceId, r.reason])),
    ...(lead.reason ? { suppression: { reason: lead.reason, at: lead.at } } : {}),
    zoneSource: lead.zoneSource,
  };
}

/** Leads per stored country (the calendar's holiday marks), in SQLite's byte order, as db/country-counts.ts reads them. */
export async function leadsByCountryPg(db: pg.Pool | pg.PoolClient): Promise<{ country: string; leads: number }[]> {
  const { rows } = await db.query<{ country: string; leads: number }>('SELECT country, count(*)::int AS leads FROM leads GROUP BY country ORDER BY country COLLATE "C"');
  return rows;
}
