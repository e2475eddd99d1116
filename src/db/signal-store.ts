import type { Database } from 'better-sqlite3';
import { classifyAlone, classifyMessage } from '../domain/signals.js';
import type { SignalClass, SignalEvent } from '../domain/signal-types.js';

export type SignalRow = { id: number; type: SignalEvent['type']; at: number; url: string; properties: string; signal: SignalClass; reason: string };

export interface ReclassifyCounts {
  examined: number;
  changed: number;
  human: number;
  machine: number;
}

const toSignal = (r: SignalRow): SignalEvent => ({ id: r.id, type: r.type, at: r.at, url: r.url, properties: JSON.parse(r.properties) as Record<string, string> });

/** A class or reason to write back: [event id, signal, reason]. */
export type SignalUpdate = [id: number, signal: SignalClass, reason: string];

/**
 * One message's opens and clicks classified together (domain/signals.ts classifyMessage): the
 * rows whose class or reason changed, with `counts` tallied. The decision both stores write back.
 */
export function reclassifiedMessage(rows: readonly SignalRow[], deliveredAt: number | null, counts?: ReclassifyCounts): SignalUpdate[] {
  const events = rows.map(toSignal);
  const classes = classifyMessage({ deliveredAt, events });
  const updates: SignalUpdate[] = [];
  rows.forEach((row, i) => {
    const c = classes.get(events[i]!)!;
    if (counts) counts[c.signal === 'machine' ? 'machine' : 'human']++;
    if (c.signal !== row.signal || c.reason !== row.reason) updates.push([row.id, c.signal, c.reason]);
  });
  return updates;
}

/** An open or click of no known message, classified alone; null when it keeps its class and reason. */
export function reclassifiedAlone(row: SignalRow, counts: ReclassifyCounts): SignalUpdate | null {
  const c = classifyAlone(toSignal(row));
  counts[c.signal === 'machine' ? 'machine' : 'human']++;
  return c.signal !== row.signal || c.reason !== row.reason ? [row.id, c.signal, c.reason] : null;
}

/**
 * The classification side of the events table: one message's opens and clicks, classified
 * together (a burst of clicks is only visible as a whole), written back when a class changes.
 */
export class SignalStore {
  private readonly ofSend;
  private readonly deliveredAt;
  private readonly update;
  private readonly recent;

  constructor(private readonly sqlite: Database) {
    this.ofSend = sqlite.prepare(
      `SELECT id, type, occurred_at AS at, url, properties, signal, signal_reason AS reason FROM events
       WHERE send_id = ? AND type IN ('email_opened', 'email_clicked') ORDER BY occurred_at, id`,
    );
    this.deliveredAt = sqlite.prepare('SELECT sent_at AS at FROM sends WHERE id = ?').pluck();
    this.update = sqlite.prepare('UPDATE events SET signal = ?, signal_reason = ? WHERE id = ?');
    this.recent = sqlite
      .prepare("SELECT EXISTS (SELECT 1 FROM events WHERE send_id = ? AND type IN ('email_opened', 'email_clicked') AND occurred_at > ?)")
      .pluck();
  }

  /** Whether the message has an open or click after `since` (by the events_send index, no properties read). */
  hasSignalSince(sendId: number, since: number): boolean {
    return this.recent.get(sendId, since) === 1;
  }

  /**
   * Reclassifies one message's opens and clicks; returns how many changed class or reason.
   * `deliveredAt`, when the caller has the message's row already, saves reading it again.
   */
  reclassifySend(sendId: number, counts?: ReclassifyCounts, deliveredAt?: number | null): number {
    const rows = this.ofSend.all(sendId) as SignalRow[];
    const delivered = deliveredAt !== undefined ? deliveredAt : ((this.deliveredAt.get(sendId) as number | null) ?? null);
    const updates = reclassifiedMessage(rows, delivered, counts);
    for (const [id, signal, reason] of updates) this.update.run(signal, reason, id);
    const changed = updates.length;
    return changed;
  }

  /**
   * `nurture events reclassify`: every open and click again, from what was kept (user agent,
   * method, provider flags, times). In transactions of `batch` messages, so a large base streams.
   */
  reclassifyAll(batch = 2_000): ReclassifyCounts {
    const counts: ReclassifyCounts = { examined: 0, changed: 0, human: 0, machine: 0 };
    // Events recorded before messages were linked (or imported with a ref): link them first.
    this.sqlite
      .prepare(
        `UPDATE events SET send_id = (SELECT s.id FROM sends s WHERE s.ref = json_extract(events.properties, '$.ref') AND s.ref <> '')
         WHERE send_id IS NULL AND properties LIKE '%"ref"%'`,
      )
      .run();
    const sendIds = this.sqlite
      .prepare("SELECT DISTINCT send_id FROM events WHERE send_id > ? AND type IN ('email_opened', 'email_clicked') ORDER BY send_id LIMIT ?")
      .pluck();
    let after = 0;
    for (;;) {
      const ids = sendIds.all(after, batch) as number[];
      if (ids.length === 0) break;
      this.sqlite.transaction(() => {
        for (const id of ids) counts.changed += this.reclassifySend(id, counts);
      })();
      after = ids[ids.length - 1]!;
    }
    const alone = this.sqlite.prepare(
      `SELECT id, type, occurred_at AS at, url, properties, signal, signal_reason AS reason FROM events
       WHERE send_id IS NULL AND type IN ('email_opened', 'email_clicked') AND id > ? ORDER BY id LIMIT ?`,
    );
    let afterId = 0;
    for (;;) {
      const rows = alone.all(afterId, batch) as SignalRow[];
      if (rows.length === 0) break;
      this.sqlite.transaction(() => {
        for (const row of rows) {
          const update = reclassifiedAlone(row, counts);
          if (update) {
            this.update.run(update[1], update[2], update[0]);
            counts.changed++;
          }
        }
      })();
      afterId = rows[rows.length - 1]!.id;
    }
    counts.examined = counts.human + counts.machine;
    return counts;
  }
}
