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

/**
 * An event's values in the insert's order (lead_id … send_id, then the ref its message is found
 * by when no send id is given): both stores insert these, classified alike.
 */
export function eventValues(e: EventInput, now: number) {
  const { signal, reason } = classOf(e);
  return [
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
  ] as const;
}

/** The columns of an event found by its message's ref, as a settled open or click inserts them. */
const FROM_SETTLED_SEND = `INSERT INTO events (lead_id, type, occurred_at, url, properties, dedupe_key, source, recorded_at, signal, signal_reason, send_id)
  SELECT s.lead_id, @type, @at, @url, @properties, @dedupeKey, @source, @now, @signal, @reason, s.id FROM sends s
  WHERE s.ref = @ref AND s.ref <> '' AND s.sent_at <= @deliveredBy`;
/** A click is settled only with no open or click of its message since @quietSince (a burst needs the whole message). */
const QUIET = ` AND NOT EXISTS (SELECT 1 FROM events o WHERE o.send_id = s.id AND o.type IN ('email_opened', 'email_clicked') AND o.occurred_at > @quietSince)`;
const NO_DUPLICATE = ' ON CONFLICT (dedupe_key) DO NOTHING';

export class EventStore {
  private readonly insert;
  private readonly insertSettledOpen;
  private readonly insertSettledClick;
  /** Events for addresses no lead has (yet). */
  readonly quarantine: QuarantineStore;

  constructor(private readonly sqlite: Database) {
    this.quarantine = new QuarantineStore(sqlite);
    this.insert = sqlite.prepare(
      `INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at, signal, signal_reason, send_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, (SELECT id FROM sends WHERE ref = ? AND ref <> '')))
       ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    this.insertSettledOpen = sqlite.prepare(FROM_SETTLED_SEND + NO_DUPLICATE);
    this.insertSettledClick = sqlite.prepare(FROM_SETTLED_SEND + QUIET + NO_DUPLICATE);
  }

  /** Inserts a batch in one transaction; returns how many were new (duplicates are counted once). */
  insertBatch(rows: EventInput[], now: number): number {
    let inserted = 0;
    this.sqlite.transaction(() => {
      for (const e of rows) inserted += this.insertRow(e, now);
    })();
    return inserted;
  }

  /**
   * Inserts one event in SQLite's own (implicit) transaction: one statement is atomic already, and
   * a link hit saves the BEGIN and COMMIT statements around it. Returns whether it was new.
   */
  insertOne(e: EventInput, now: number): boolean {
    return this.insertRow(e, now) > 0;
  }

  /**
   * Inserts an open or click already classified, in one statement that also finds its message by
   * `ref` — only if the message was delivered by `deliveredBy` and, when `quietSince` is given, had
   * no open or click after it. False when not (unknown ref, a recent delivery, a possible burst):
   * the caller then classifies with the message in hand.
   */
  insertIfSettled(
    e: Omit<EventInput, 'leadId' | 'sendId' | 'externalId'> & { type: 'email_opened' | 'email_clicked'; signal: SignalClass },
    ref: string,
    deliveredBy: number,
    quietSince: number | undefined,
    now: number,
  ): boolean {
    const params = {
      type: e.type,
      at: e.occurredAt,
      url: e.url,
      properties: JSON.stringify(e.properties),
      dedupeKey: e.dedupeKey,
      source: e.source,
      now,
      signal: e.signal,
      reason: e.signalReason ?? '',
      ref,
      deliveredBy,
    };
    const info = quietSince === undefined ? this.insertSettledOpen.run(params) : this.insertSettledClick.run({ ...params, quietSince });
    return info.changes > 0;
  }

  private insertRow(e: EventInput, now: number): number {
    return this.insert.run(...eventValues(e, now)).changes;
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
