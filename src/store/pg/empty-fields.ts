import type pg from 'pg';
import { type EmptyCount, emptyCountsOf, emptyFieldTargets } from '../../db/empty-field-targets.js';

/**
 * db/empty-fields.ts's emptyCounts on PostgreSQL: one scan of the current leads counting each
 * value empty as SQLite does (an attribute missing, null or blank counts as empty).
 */
export async function emptyCountsPg(db: pg.Pool | pg.PoolClient, names: readonly string[]): Promise<Map<string, EmptyCount>> {
  const targets = emptyFieldTargets(names);
  if (targets.length === 0) return new Map();
  const params: string[] = [];
  const counts = targets.map((t, i) => {
    if ('column' in t) return `count(*) FILTER (WHERE ${t.column} = '')::int AS e${i}`;
    params.push(t.attribute);
    return `count(*) FILTER (WHERE coalesce(trim(attributes::jsonb ->> $${params.length}), '') = '')::int AS e${i}`;
  });
  const { rows } = await db.query<Record<string, number>>(
    `SELECT count(*)::int AS leads, ${counts.join(', ')} FROM leads WHERE suppressed_at IS NULL`,
    params,
  );
  const row = rows[0]!;
  return emptyCountsOf(targets, row.leads ?? 0, targets.map((_, i) => row[`e${i}`]));
}
