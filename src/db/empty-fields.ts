import type { Database } from 'better-sqlite3';
import { type EmptyCount, emptyCountsOf, emptyFieldTargets } from './empty-field-targets.js';

/**
 * How many of the current (not suppressed) leads have each value empty: one scan for all of them,
 * for `lint`. Unknown names are left out.
 */
export function emptyCounts(sqlite: Database, names: readonly string[]): Map<string, EmptyCount> {
  const targets = emptyFieldTargets(names);
  if (targets.length === 0) return new Map();
  const sums = targets.map((t, i) =>
    'column' in t ? `sum(${t.column} = '') AS e${i}` : `sum(coalesce(trim(json_extract(attributes, ?)), '') = '') AS e${i}`,
  );
  const params = targets.flatMap((t) => ('attribute' in t ? [`$."${t.attribute}"`] : []));
  const row = sqlite
    .prepare(`SELECT count(*) AS leads, ${sums.join(', ')} FROM leads WHERE suppressed_at IS NULL`)
    .get(...params) as Record<string, number | null>;
  return emptyCountsOf(targets, row.leads ?? 0, targets.map((_, i) => row[`e${i}`]));
}
