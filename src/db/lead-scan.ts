import type { Database } from 'better-sqlite3';
import type { LeadProfile } from '../domain/types.js';

const COLUMNS: ReadonlyMap<string, string> = new Map([
  ['email', 'email'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['company', 'company'],
  ['jobTitle', 'job_title'],
  ['industry', 'industry'],
  ['country', 'country'],
]);

const EMPTY_PROFILE: LeadProfile = {
  id: 0,
  email: '',
  firstName: '',
  lastName: '',
  company: '',
  jobTitle: '',
  industry: '',
  country: '',
  timezone: '',
  consent: 'none',
  attributes: {},
};

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Every lead, streamed in id order without paging, with only the fields a fit pass reads: the
 * named columns, and the named attributes extracted by SQLite (no JSON.parse per row). Fields not
 * asked for are empty: rules over `jobTitle` and `attributes.company_size` read two values a row.
 */
export function* scanForFit(sqlite: Database, fields: readonly string[]): Generator<LeadProfile> {
  const wanted = [...new Set(fields)].filter((f) => COLUMNS.has(f) || f.startsWith('attributes.'));
  const select = wanted.map((f) =>
    f.startsWith('attributes.')
      ? `coalesce(json_extract(attributes, ${sqlString(`$."${f.slice(11).replace(/"/g, '')}"`)}), '')`
      : COLUMNS.get(f)!,
  );
  const rows = sqlite
    .prepare(`SELECT id${select.map((c) => `, ${c}`).join('')} FROM leads ORDER BY id`)
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  for (const r of rows) {
    const lead: LeadProfile = { ...EMPTY_PROFILE, id: r[0] as number, attributes: {} };
    const record = lead as unknown as Record<string, unknown>;
    for (let k = 0; k < wanted.length; k++) {
      const f = wanted[k]!;
      const value = String(r[k + 1] ?? '');
      if (f.startsWith('attributes.')) lead.attributes[f.slice(11)] = value;
      else record[f] = value;
    }
    yield lead;
  }
}
