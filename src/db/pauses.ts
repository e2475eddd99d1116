import type { Database } from 'better-sqlite3';

/** `nurture leads pause` / `resume`: the pause is two columns of the lead (see schema.ts). */
export class PauseStore {
  constructor(private readonly sqlite: Database) {}

  /** Pauses a lead from `since` until `until` (null: until resumed); a new pause replaces the old one. */
  pause(leadId: number, since: number, until: number | null): void {
    this.sqlite
      .prepare('UPDATE leads SET paused_at = ?, paused_until = ?, updated_at = ? WHERE id = ?')
      .run(since, until, since, leadId);
  }

  /** Lifts the pause; false when the lead was not paused. */
  resume(leadId: number, now: number): boolean {
    const result = this.sqlite
      .prepare('UPDATE leads SET paused_at = NULL, paused_until = NULL, updated_at = ? WHERE id = ? AND paused_at IS NOT NULL')
      .run(now, leadId);
    return result.changes > 0;
  }
}
