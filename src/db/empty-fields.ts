import type { Database } from 'better-sqlite3';

/** The stored column behind each template value of a lead (`lead.attributes.*` are in the JSON). */
const COLUMNS: Record<string, string> = {
  'lead.email': 'email',
  'lead.firstName': 'first_name',
  'lead.lastName': 'last_name',
  'lead.company': 'company',
  'lead.jobTitle': 'job_title',
  'lead.industry': 'industry',
  'lead.country': 'country',
};

export interface EmptyCount {
  empty: number;
  leads: number;
}

/**
 * How many of the current (not suppressed) leads have each value empty: one scan for all of them,
 * for `lint`. Unknown names are left out.
 */
export function emptyCounts(sqlite: Database, names: readonly string[]): Map<string, EmptyCount> {
  const known = [...new Set(names)].filter((n) => COLUMNS[n] || /^lead\.attributes\.[^.]+$/.test(n));
  if (known.length === 0) return new Map();
  const empty = (name: string, i: number) => {
    const column = COLUMNS[name];
    if (column) return `sum(${column} = '') AS e${i}`;
    return `sum(coalesce(trim(json_extract(attributes, ?)), '') = '') AS e${i}`;
  };
  const params = known.filter((n) => !COLUMNS[n]).map((n) => `$."${n.slice('lead.attributes.'.length).replace(/"/g, '')}"`);
  const row = sqlite
    .prepare(`SELECT count(*) AS leads, ${known.map(empty).join(', ')} FROM leads WHERE suppressed_at IS NULL`)
    .get(...params) as Record<string, number | null>;
  const leads = row.leads ?? 0;
  return new Map(known.map((n, i) => [n, { empty: row[`e${i}`] ?? 0, leads }]));
}
