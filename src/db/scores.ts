import type { Database } from 'better-sqlite3';

export interface ScoreRow {
  id: number;
  score: number;
  fit: number;
  engagement: number;
  stage: string;
  /** Why the lead is sales-ready (for the handoff); derived from its events when not given. */
  handoffReason?: string;
  /** The score and stage saved before, when the caller already read them (saves a lookup). */
  before?: { score: number | null; stage: string | null };
}

export interface RecordOptions {
  /** What moved the score, kept in the history: "run", "score", "events import events.csv", … */
  cause: string;
  /**
   * A history row is written when the stage changes, on the first score, or when the score moved
   * by at least this much. Runs use 1 point, so hourly decay drift (a fraction of a point) does
   * not add a row per lead per hour; imports use 0.01, so every change they cause is kept.
   */
  minDelta: number;
}

export interface HistoryRow {
  at: number;
  score: number;
  fit: number;
  engagement: number;
  stage: string;
  cause: string;
}

export interface HandoffRow {
  leadId: number;
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  jobTitle: string;
  at: number;
  reason: string;
  score: number;
  stage: string | null;
}

/** Score columns on leads, the score history and the handoffs to sales: the only SQL for them. */
export class ScoreStore {
  private readonly previous;
  private readonly update;
  private readonly addHistory;
  private readonly addHandoff;
  private readonly meeting;

  constructor(private readonly sqlite: Database) {
    this.previous = sqlite.prepare('SELECT score, stage FROM leads WHERE id = ?');
    this.update = sqlite.prepare(
      'UPDATE leads SET score = ?, fit_score = ?, engagement_score = ?, stage = ?, scored_at = ? WHERE id = ?',
    );
    this.addHistory = sqlite.prepare(
      'INSERT INTO score_history (lead_id, at, score, fit, engagement, stage, cause) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.addHandoff = sqlite.prepare(
      'INSERT INTO handoffs (lead_id, at, reason, score) VALUES (?, ?, ?, ?) ON CONFLICT (lead_id) DO NOTHING',
    );
    this.meeting = sqlite.prepare(
      "SELECT min(occurred_at) AS at FROM events WHERE lead_id = ? AND type = 'meeting_booked' AND occurred_at <= ?",
    );
  }

  /**
   * Saves scores in one transaction; adds a history row where the score or stage moved and a
   * handoff the first time a lead is sales-ready. Returns how many of each were written.
   */
  record(rows: readonly ScoreRow[], now: number, options: RecordOptions): { history: number; handoffs: number } {
    const out = { history: 0, handoffs: 0 };
    this.sqlite.transaction(() => {
      for (const r of rows) {
        const before = r.before ?? (this.previous.get(r.id) as { score: number | null; stage: string | null } | undefined);
        if (!before) continue;
        this.update.run(r.score, r.fit, r.engagement, r.stage, now, r.id);
        const moved =
          before.score === null ||
          before.stage !== r.stage ||
          Math.abs(r.score - before.score) >= options.minDelta - 1e-9;
        if (moved) {
          this.addHistory.run(r.id, now, r.score, r.fit, r.engagement, r.stage, options.cause);
          out.history++;
        }
        if (r.stage === 'sales-ready') {
          const reason = r.handoffReason ?? this.reasonFor(r, now);
          out.handoffs += this.addHandoff.run(r.id, now, reason, r.score).changes;
        }
      }
    })();
    return out;
  }

  private reasonFor(r: ScoreRow, now: number): string {
    const { at } = this.meeting.get(r.id, now) as { at: number | null };
    // Callers pass the reason (domain/stages.ts salesReadyReason); this is the fallback for those that cannot.
    return at !== null ? `meeting booked ${new Date(at).toISOString()}` : `score ${r.score} reached action`;
  }

  /** Sent emails of these leads (for unopened streaks), grouped by lead. */
  sentMessages(ids: readonly number[]): Map<number, { status: string; at: number }[]> {
    const stmt = this.sqlite.prepare(
      "SELECT sent_at AS at FROM sends WHERE lead_id = ? AND status = 'sent' AND sent_at IS NOT NULL ORDER BY sent_at",
    );
    const out = new Map<number, { status: string; at: number }[]>();
    for (const id of ids) {
      const rows = stmt.all(id) as { at: number }[];
      if (rows.length > 0) out.set(id, rows.map((r) => ({ status: 'sent', at: r.at })));
    }
    return out;
  }

  history(leadId: number): HistoryRow[] {
    return this.sqlite
      .prepare(
        'SELECT at, score, fit, engagement, stage, cause FROM score_history WHERE lead_id = ? ORDER BY at, id',
      )
      .all(leadId) as HistoryRow[];
  }

  /** Handoffs at or after `since`, oldest first, with the lead's contact fields and current stage. */
  handoffs(since: number): HandoffRow[] {
    return this.sqlite
      .prepare(
        `SELECT h.lead_id AS leadId, l.email, l.first_name AS firstName, l.last_name AS lastName, l.company,
          l.job_title AS jobTitle, h.at, h.reason, h.score, l.stage
         FROM handoffs h JOIN leads l ON l.id = h.lead_id WHERE h.at >= ? ORDER BY h.at, h.id`,
      )
      .all(since) as HandoffRow[];
  }

  handoffOf(leadId: number): { at: number; reason: string; score: number } | undefined {
    return this.sqlite.prepare('SELECT at, reason, score FROM handoffs WHERE lead_id = ?').get(leadId) as
      | { at: number; reason: string; score: number }
      | undefined;
  }
}
