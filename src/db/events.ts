import type { Database } from 'better-sqlite3';
import type { ScoredEvent } from '../domain/scoring-rules.js';
import { classifyAlone } from '../domain/signals.js';
import type { SignalClass } from '../domain/signal-types.js';
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
  /** Given by the link endpoints; otherwise opens and clicks are classified from their properties. */
  signal?: SignalClass;
  signalReason?: string;
  sendId?: number;
}

const isSignal = (type: EventType): type is 'email_opened' | 'email_clicked' => type === 'email_opened' || type === 'email_clicked';

/** The class of an event as stored: opens and clicks always have one (human or machine), others none. */
function classOf(e: EventInput): { signal: SignalClass; reason: string } {
  if (!isSignal(e.type)) return { signal: '', reason: '' };
  if (e.signal) return { signal: e.signal, reason: e.signalReason ?? '' };
  return classifyAlone({ id: 0, type: e.type, at: e.occurredAt, url: e.url, properties: e.properties });
}

export class EventStore {
  private readonly insert;
  /** Events for addresses no lead has (yet). */
  readonly quarantine: QuarantineStore;

  constructor(private readonly sqlite: Database) {
    this.quarantine = new QuarantineStore(sqlite);
    this.insert = sqlite.prepare(
      `INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at, signal, signal_reason, send_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, (SELECT id FROM sends WHERE ref = ? AND ref <> '')))
       ON CONFLICT (dedupe_key) DO NOTHING`,
    );
  }

  /** Inserts a batch in one transaction; returns how many were new (duplicates are counted once). */
  insertBatch(rows: EventInput[], now: number): number {
    let inserted = 0;
    this.sqlite.transaction(() => {
      for (const e of rows) {
        const { signal, reason } = classOf(e);
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
          signal,
          reason,
          e.sendId ?? null,
          e.sendId === undefined ? (e.properties.ref ?? null) : null,
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
        "SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id BETWEEN ? AND ? AND signal <> 'machine' ORDER BY lead_id, occurred_at, id",
      )
      .raw()
      .all(fromId, toId) as EventTuple[];
    return groupByLead(rows);
  }

  /** Events of the given leads, in one statement (scattered ids: an incremental run's due leads). */
  forLeadIds(ids: readonly number[]): Map<number, ScoredEvent[]> {
    const rows = this.sqlite
      .prepare(
        "SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id IN (SELECT value FROM json_each(?)) AND signal <> 'machine' ORDER BY lead_id, occurred_at, id",
      )
      .raw()
      .all(JSON.stringify(ids)) as EventTuple[];
    return groupByLead(rows);
  }

  /** Events of the given leads (any order of ids), grouped by lead, ascending in time. */
  forLeads(ids: readonly number[]): Map<number, ScoredEvent[]> {
    const stmt = this.sqlite
      .prepare(
        "SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id = ? AND signal <> 'machine' ORDER BY occurred_at, id",
      )
      .raw();
    const rows: EventTuple[] = [];
    for (const id of ids) for (const r of stmt.all(id) as EventTuple[]) rows.push(r);
    return groupByLead(rows);
  }

  /** Machine opens and scanner clicks of one lead, set apart from its score and cadence (for `explain`). */
  machineSignals(leadId: number): { type: EventType; at: number; reason: string }[] {
    return this.sqlite
      .prepare("SELECT type, occurred_at AS at, signal_reason AS reason FROM events WHERE lead_id = ? AND signal = 'machine' ORDER BY occurred_at, id")
      .all(leadId) as { type: EventType; at: number; reason: string }[];
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
