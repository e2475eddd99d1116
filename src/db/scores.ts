import { scoreWrite } from '../domain/score-moves.js';
import type { Database } from 'better-sqlite3';
import { StatementCache } from './statements.js';

/** Rows per multi-row statement: one call instead of 50 (999 bound values at most, old SQLite's limit). */
const CHUNK = 50;

export interface ScoreRow {
  id: number;
  score: number;
  fit: number;
  engagement: number;
  stage: string;
  /** Why the lead is sales-ready (for the handoff); derived from its events when not given. */
  handoffReason?: string;
  /** What was saved before, when the caller already read it (saves a lookup). */
  before?: SavedScore;
}

export interface SavedScore {
  score: number | null;
  stage: string | null;
  /** Unknown (undefined): the row is written even when score and stage did not move. */
  fit?: number | null;
  engagement?: number | null;
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
  /**
   * Save the score columns only when the score moved (as for the history: see
   * domain/score-moves.ts), not at every drift of decay. Runs do, so that an incremental run
   * saves what a full one does; imports save every change.
   */
  onlyWhenMoved?: boolean;
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
  private readonly statements: StatementCache;
  private readonly previous;
  private readonly addHandoff;
  private readonly meeting;

  constructor(private readonly sqlite: Database) {
    this.statements = new StatementCache(sqlite);
    this.previous = sqlite.prepare(
      'SELECT score, stage, fit_score AS fit, engagement_score AS engagement FROM leads WHERE id = ?',
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
      const changed: ScoreRow[] = [];
      const moved: ScoreRow[] = [];
      for (const r of rows) {
        const before = r.before ?? (this.previous.get(r.id) as SavedScore | undefined);
        if (!before) continue;
        // Hourly reruns mostly find a lead where it was (no engagement to decay): nothing to write.
        const write = scoreWrite(before, r, options.minDelta, options.onlyWhenMoved ?? false);
        if (write.save) changed.push(r);
        if (write.history) moved.push(r);
        if (r.stage === 'sales-ready') {
          const reason = r.handoffReason ?? this.reasonFor(r, now);
          out.handoffs += this.addHandoff.run(r.id, now, reason, r.score).changes;
        }
      }
      this.saveScores(changed, now);
      this.addHistory(moved, now, options.cause);
      out.history = moved.length;
    })();
    return out;
  }

  /** The score columns of these leads, CHUNK leads per statement. */
  private saveScores(rows: readonly ScoreRow[], now: number): void {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const values: (number | string)[] = [now];
      for (const r of chunk) values.push(r.id, r.score, r.fit, r.engagement, r.stage);
      this.statements
        .get(
          `UPDATE leads SET score = v.column2, fit_score = v.column3, engagement_score = v.column4, stage = v.column5,
             scored_at = ? FROM (VALUES ${placeholders(chunk.length, 5)}) AS v WHERE leads.id = v.column1`,
        )
        .run(values);
    }
  }

  private addHistory(rows: readonly ScoreRow[], now: number, cause: string): void {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const values: (number | string)[] = [];
      for (const r of chunk) values.push(r.id, now, r.score, r.fit, r.engagement, r.stage, cause);
      this.statements
        .get(
          `INSERT INTO score_history (lead_id, at, score, fit, engagement, stage, cause) VALUES ${placeholders(chunk.length, 7)}`,
        )
        .run(values);
    }
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

const PLACEHOLDERS = new Map<number, string>();

/** `(?, ?), (?, ?)` for rows × columns (columns < 100), built once per shape. */
function placeholders(rows: number, columns: number): string {
  const key = rows * 100 + columns;
  let text = PLACEHOLDERS.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    text = Array.from({ length: rows }, () => row).join(', ');
    PLACEHOLDERS.set(key, text);
  }
  return text;
}
