import type { Database } from 'better-sqlite3';
import { classifyAlone } from '../domain/signals.js';
import { reclassifyRows, type SignalRow as Row, toSignal } from './signal-rows.js';

export interface ReclassifyCounts {
  examined: number;
  changed: number;
  human: number;
  machine: number;
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
    const rows = this.ofSend.all(sendId) as Row[];
    const delivered = deliveredAt !== undefined ? deliveredAt : ((this.deliveredAt.get(sendId) as number | null) ?? null);
    let changed = 0;
    for (const c of reclassifyRows(rows, delivered)) {
      if (counts) counts[c.signal === 'machine' ? 'machine' : 'human']++;
      if (c.changed) {
        this.update.run(c.signal, c.reason, c.row.id);
        changed++;
      }
    }
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
      const rows = alone.all(afterId, batch) as Row[];
      if (rows.length === 0) break;
      this.sqlite.transaction(() => {
        for (const row of rows) {
          const c = classifyAlone(toSignal(row));
          counts[c.signal === 'machine' ? 'machine' : 'human']++;
          if (c.signal !== row.signal || c.reason !== row.reason) {
            this.update.run(c.signal, c.reason, row.id);
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
