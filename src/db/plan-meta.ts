import type { Database } from 'better-sqlite3';

/** The `plan_state` rows (what the last complete run planned with) and the event ids they mark. */
export class PlanMeta {
  constructor(private readonly sqlite: Database) {}

  get(key: string): string | undefined {
    return this.sqlite.prepare('SELECT value FROM plan_state WHERE key = ?').pluck().get(key) as string | undefined;
  }

  set(key: string, value: string): void {
    this.sqlite
      .prepare('INSERT INTO plan_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  delete(key: string): void {
    this.sqlite.prepare('DELETE FROM plan_state WHERE key = ?').run(key);
  }

  /** The newest event's id (0 with none): events are numbered in the order they were stored. */
  lastEventId(): number {
    return (this.sqlite.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0;
  }
}
