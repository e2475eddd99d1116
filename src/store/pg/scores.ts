import { scoreWrite } from '../../domain/score-moves.js';
import type pg from 'pg';
import type { RecordOptions, SavedScore, ScoreRow } from '../../db/scores.js';

/**
 * ScoreStore.record (src/db/scores.ts) on PostgreSQL, one statement per kind of write: the score
 * columns of leads whose scores moved, a history row where the score moved by `minDelta` or the
 * stage changed, and a handoff the first time a lead is sales-ready. The same decisions, so that
 * both stores leave the same rows.
 */
export async function recordScoresPg(
  client: pg.PoolClient,
  rows: readonly ScoreRow[],
  now: number,
  options: RecordOptions,
): Promise<{ history: number; handoffs: number }> {
  const writes = await scoreWritesPg(client, rows, options);
  if (writes.changed.length > 0)
    await client.query(
      `UPDATE leads SET score = u.s, fit_score = u.f, engagement_score = u.e, stage = u.st, scored_at = $6
         FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[], $5::text[]) AS u(id, s, f, e, st) WHERE leads.id = u.id`,
      [...scoreColumns(writes.changed), now],
    );
  return recordScoreHistoryPg(client, writes, now, options.cause);
}

/** What recording `rows` writes: the leads whose score columns change, those with a history row, the sales-ready. */
export interface ScoreWrites {
  changed: ScoreRow[];
  moved: ScoreRow[];
  ready: ScoreRow[];
}

/** The decisions of ScoreStore.record, reading the saved scores the rows do not carry. */
export async function scoreWritesPg(client: pg.PoolClient, rows: readonly ScoreRow[], options: RecordOptions): Promise<ScoreWrites> {
  const writes: ScoreWrites = { changed: [], moved: [], ready: [] };
  if (rows.length === 0) return writes;
  const unknown = rows.filter((r) => !r.before).map((r) => r.id);
  const saved = new Map<number, SavedScore>();
  if (unknown.length > 0) {
    const { rows: found } = await client.query<SavedScore & { id: number }>(
      'SELECT id, score, stage, fit_score AS fit, engagement_score AS engagement FROM leads WHERE id = ANY($1::bigint[])',
      [unknown],
    );
    for (const f of found) saved.set(f.id, { score: f.score, stage: f.stage, fit: f.fit, engagement: f.engagement });
  }
  for (const r of rows) {
    const before = r.before ?? saved.get(r.id);
    if (!before) continue;
    const write = scoreWrite(before, r, options.minDelta, options.onlyWhenMoved ?? false);
    if (write.save) writes.changed.push(r);
    if (write.history) writes.moved.push(r);
    if (r.stage === 'sales-ready') writes.ready.push(r);
  }
  return writes;
}

/** The score columns of `list` as unnest() arrays: id, score, fit, engagement, stage. */
export function scoreColumns(list: readonly ScoreRow[]): [number[], number[], number[], number[], string[]] {
  return [list.map((r) => r.id), list.map((r) => r.score), list.map((r) => r.fit), list.map((r) => r.engagement), list.map((r) => r.stage)];
}

/** The history rows and first handoffs of `writes` (the score columns are the caller's to update). */
export async function recordScoreHistoryPg(client: pg.PoolClient, { moved, ready }: ScoreWrites, now: number, cause: string): Promise<{ history: number; handoffs: number }> {
  if (moved.length > 0)
    await client.query(
      `INSERT INTO score_history (lead_id, at, score, fit, engagement, stage, cause)
         SELECT id, $6, s, f, e, st, $7 FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[], $5::text[]) AS u(id, s, f, e, st)`,
      [...scoreColumns(moved), now, cause],
    );
  let handoffs = 0;
  if (ready.length > 0) {
    const reasons = await Promise.all(ready.map((r) => (r.handoffReason !== undefined ? r.handoffReason : reasonFor(client, r, now))));
    const result = await client.query(
      `INSERT INTO handoffs (lead_id, at, reason, score) SELECT id, $4, reason, score
         FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS u(id, reason, score) ON CONFLICT (lead_id) DO NOTHING`,
      [ready.map((r) => r.id), reasons, ready.map((r) => r.score), now],
    );
    handoffs = result.rowCount ?? 0;
  }
  return { history: moved.length, handoffs };
}

/** The fallback reason, as ScoreStore gives it, for callers that could not say why. */
async function reasonFor(client: pg.PoolClient, r: ScoreRow, now: number): Promise<string> {
  const { rows } = await client.query<{ at: number | null }>(
    "SELECT min(occurred_at) AS at FROM events WHERE lead_id = $1 AND type = 'meeting_booked' AND occurred_at <= $2",
    [r.id, now],
  );
  const at = rows[0]?.at ?? null;
  return at !== null ? `meeting booked ${new Date(at).toISOString()}` : `score ${r.score} reached action`;
}
