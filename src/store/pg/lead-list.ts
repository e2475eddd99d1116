import type pg from 'pg';
import { type LeadFilter, LIST_FIELDS, type ListedLead, type ListRow, toListed } from '../../db/lead-list.js';
import { asciiLower } from './report-sql.js';

/**
 * LeadListReader (src/db/lead-list.ts) on PostgreSQL: the same columns and conditions, decoded by
 * the same function. SQLite's `COLLATE NOCASE` is `lower()` under the "C" collation on both sides
 * here (ASCII letters only, as NOCASE: a UTF-8 locale's lower() folds É to é too), and an attribute
 * matches only as a JSON string, as `json_extract(...) = ?` does on SQLite.
 */
export async function* listPagesPg(db: pg.Pool, filter: LeadFilter, pageSize = 1000): AsyncGenerator<ListedLead[]> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value) + 1}`;
  const conditions: string[] = [];
  if (filter.stage !== undefined) conditions.push(`stage = ${param(filter.stage)}`);
  if (filter.sequence !== undefined)
    conditions.push(`EXISTS (SELECT 1 FROM enrollments e WHERE e.lead_id = leads.id AND e.sequence_id = ${param(filter.sequence)} AND e.status = 'active')`);
  for (const { field, value } of filter.where) {
    if (field.startsWith('attributes.')) {
      const key = param(field.slice('attributes.'.length));
      conditions.push(`(jsonb_typeof(attributes::jsonb -> ${key}) = 'string' AND ${asciiLower(`(attributes::jsonb ->> ${key})`)} = ${asciiLower(`${param(value)}::text`)})`);
      continue;
    }
    const column = LIST_FIELDS[field];
    if (column === undefined) throw new Error(`unknown lead field ${field}`);
    conditions.push(`${asciiLower(column)} = ${asciiLower(`${param(value)}::text`)}`);
  }
  // $1 is the page's start; the conditions' values follow; the page size comes last.
  const text = `SELECT id, email, first_name, last_name, company, job_title, industry, country, timezone, consent, attributes,
      stage, score, suppressed_reason, paused_at, paused_until,
      (SELECT sequence_id FROM enrollments e WHERE e.lead_id = leads.id AND e.status = 'active' ORDER BY e.id LIMIT 1)
    FROM leads WHERE id > $1${conditions.map((c) => ` AND ${c}`).join('')} ORDER BY id LIMIT $${params.length + 2}`;
  for (let after = 0; ; ) {
    const { rows } = await db.query<ListRow>({ text, values: [after, ...params, pageSize], rowMode: 'array' });
    if (rows.length === 0) return;
    yield rows.map(toListed);
    after = rows[rows.length - 1]![0];
  }
}
