import type { Database } from 'better-sqlite3';
import type { EventType, LeadEvent } from '../domain/types.js';

export interface EventInput {
  leadId: number;
  type: EventType;
  occurredAt: number;
  url: string;
  properties: Record<string, string>;
  externalId?: string;
  dedupeKey: string;
  source: string;
}

export class EventStore {
  private readonly insert;

  constructor(private readonly sqlite: Database) {
    this.insert = sqlite.prepare(
      `INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
  }

  /** Inserts a batch in one transaction; returns how many were new (duplicates are counted once). */
  insertBatch(rows: EventInput[], now: number): number {
    let inserted = 0;
    this.sqlite.transaction(() => {
      for (const e of rows) {
        const info = this.insert.run(
          e.leadId,
          e.type,
          e.occurredAt,
          e.url,
          JSON.stringify(e.properties),
          e.externalId ?? null,
          e.dedupeKey,
          e.source,
          now,
        );
        inserted += info.changes;
      }
    })();
    return inserted;
  }

  /** Events of the leads with ids in [fromId, toId], grouped by lead, ascending in time. */
  forLeadRange(fromId: number, toId: number): Map<number, LeadEvent[]> {
    const rows = this.sqlite
      .prepare(
        'SELECT lead_id, type, occurred_at, url FROM events WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, occurred_at, id',
      )
      .raw()
      .all(fromId, toId) as [number, EventType, number, string][];
    const out = new Map<number, LeadEvent[]>();
    for (const [leadId, type, at, url] of rows) {
      let list = out.get(leadId);
      if (!list) out.set(leadId, (list = []));
      list.push({ type, at, url });
    }
    return out;
  }

  forLead(leadId: number): (LeadEvent & { source: string })[] {
    return this.sqlite
      .prepare(
        'SELECT type, occurred_at AS at, url, source FROM events WHERE lead_id = ? ORDER BY occurred_at, id',
      )
      .all(leadId) as (LeadEvent & { source: string })[];
  }
}
