import type { Database } from 'better-sqlite3';
import type { EventType } from '../domain/types.js';
import type { EventInput } from './events.js';

/** An event as `events` would store it, but keyed by address (no lead yet) and with why it waits. */
export interface QuarantineInput extends Omit<EventInput, 'leadId'> {
  email: string;
  reason: string;
}

export interface ResolvedEvent {
  leadId: number;
  type: EventType;
  occurredAt: number;
  source: string;
}

/**
 * Events whose address matched no lead. They are kept, not dropped: events often arrive before
 * the lead export that names them, and the next lead import moves them into `events`.
 */
export class QuarantineStore {
  private readonly insert;
  private readonly byEmail;
  private readonly promote;
  private readonly remove;

  constructor(private readonly sqlite: Database) {
    this.insert = sqlite.prepare(
      `INSERT INTO quarantined_events (email, type, occurred_at, url, properties, external_id, dedupe_key, source, reason, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    this.byEmail = sqlite.prepare(
      'SELECT id, type, occurred_at AS occurredAt, source FROM quarantined_events WHERE email = ? ORDER BY id',
    );
    this.promote = sqlite.prepare(
      `INSERT INTO events (lead_id, type, occurred_at, url, properties, external_id, dedupe_key, source, recorded_at)
       SELECT ?, type, occurred_at, url, properties, external_id, dedupe_key, source, ? FROM quarantined_events WHERE id = ?
       ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    this.remove = sqlite.prepare('DELETE FROM quarantined_events WHERE id = ?');
  }

  /** Keeps events for unknown addresses; returns how many were new (the same event is kept once). */
  add(rows: readonly QuarantineInput[], now: number): number {
    let added = 0;
    this.sqlite.transaction(() => {
      for (const e of rows) {
        added += this.insert.run(
          e.email.toLowerCase(),
          e.type,
          e.occurredAt,
          e.url,
          JSON.stringify(e.properties),
          e.externalId ?? null,
          e.dedupeKey,
          e.source,
          e.reason,
          now,
        ).changes;
      }
    })();
    return added;
  }

  /** Moves the quarantined events of these (now known) leads into `events`, in one transaction. */
  resolve(leads: ReadonlyMap<string, number>, now: number): ResolvedEvent[] {
    const out: ResolvedEvent[] = [];
    // The common case, nothing quarantined, costs one index probe per batch.
    if (this.sqlite.prepare('SELECT 1 FROM quarantined_events LIMIT 1').get() === undefined) return out;
    this.sqlite.transaction(() => {
      for (const [email, leadId] of leads) {
        const rows = this.byEmail.all(email.toLowerCase()) as {
          id: number;
          type: EventType;
          occurredAt: number;
          source: string;
        }[];
        for (const r of rows) {
          this.promote.run(leadId, now, r.id);
          this.remove.run(r.id);
          out.push({ leadId, type: r.type, occurredAt: r.occurredAt, source: r.source });
        }
      }
    })();
    return out;
  }

  count(): number {
    return (this.sqlite.prepare('SELECT count(*) AS n FROM quarantined_events').get() as { n: number }).n;
  }
}
