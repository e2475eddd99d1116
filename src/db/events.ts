import type { Database } from 'better-sqlite3';
import type { ScoredEvent } from '../domain/scoring-rules.js';
import type { EventType, LeadEvent } from '../domain/types.js';
import { QuarantineStore } from './quarantine.js';

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
  /** Events for addresses no lead has (yet). */
  readonly quarantine: QuarantineStore;

  constructor(private readonly sqlite: Database) {
    this.quarantine = new QuarantineStore(sqlite);
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
  forLeadRange(fromId: number, toId: number): Map<number, ScoredEvent[]> {
    const rows = this.sqlite
      .prepare(
        'SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, occurred_at, id',
      )
      .raw()
      .all(fromId, toId) as EventTuple[];
    return groupByLead(rows);
  }

  /** Events of the given leads (any order of ids), grouped by lead, ascending in time. */
  forLeads(ids: readonly number[]): Map<number, ScoredEvent[]> {
    const stmt = this.sqlite
      .prepare(
        'SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id = ? ORDER BY occurred_at, id',
      )
      .raw();
    const rows: EventTuple[] = [];
    for (const id of ids) for (const r of stmt.all(id) as EventTuple[]) rows.push(r);
    return groupByLead(rows);
  }

  forLead(leadId: number): (LeadEvent & { source: string })[] {
    return this.sqlite
      .prepare(
        'SELECT type, occurred_at AS at, url, source FROM events WHERE lead_id = ? ORDER BY occurred_at, id',
      )
      .all(leadId) as (LeadEvent & { source: string })[];
  }
}

export type EventTuple = [number, EventType, number, string, string];

/** Properties are parsed only when there are some: most events have none, and JSON.parse is the cost. */
export function groupByLead(rows: readonly EventTuple[]): Map<number, ScoredEvent[]> {
  const out = new Map<number, ScoredEvent[]>();
  for (const [leadId, type, at, url, properties] of rows) {
    let list = out.get(leadId);
    if (!list) out.set(leadId, (list = []));
    const event: ScoredEvent =
      properties === '{}' ? { type, at, url } : { type, at, url, properties: JSON.parse(properties) as Record<string, string> };
    list.push(event);
  }
  return out;
}
