import type { Database } from 'better-sqlite3';
import type { LeadFields } from '../domain/types.js';
import { leadColumns } from './leads.js';

/** What `nurture leads list` filters on; every condition must hold. */
export interface LeadFilter {
  stage?: string;
  /** Leads with an active enrolment in this sequence. */
  sequence?: string;
  /** `field = value`, case-insensitive; `field` is a key of LIST_FIELDS or `attributes.<name>`. */
  where: { field: string; value: string }[];
}

/** The lead fields `--where` accepts (both spellings), and their columns. */
export const LIST_FIELDS: Record<string, string> = {
  email: 'email',
  firstName: 'first_name',
  first_name: 'first_name',
  lastName: 'last_name',
  last_name: 'last_name',
  company: 'company',
  jobTitle: 'job_title',
  job_title: 'job_title',
  industry: 'industry',
  country: 'country',
  timezone: 'timezone',
  consent: 'consent',
  stage: 'stage',
};

export interface ListedLead extends LeadFields {
  id: number;
  consent: string;
  stage: string | null;
  score: number | null;
  suppressed: string | null;
  pausedUntil: number | null;
  paused: boolean;
  /** The sequence of the lead's active enrolment, if any. */
  sequence: string | null;
}

export type ListRow = [number, string, string, string, string, string, string, string, string, string, string, string | null, number | null, string | null, number | null, number | null, string | null];

/**
 * Leads page by page (keyset paging on id), filtered in SQL: `leads list` streams a million leads
 * in pages of a thousand without holding more than one page.
 */
export class LeadListReader {
  private readonly statement;
  private readonly params: string[];

  constructor(
    private readonly sqlite: Database,
    filter: LeadFilter = { where: [] },
  ) {
    const conditions: string[] = [];
    this.params = [];
    if (filter.stage !== undefined) {
      conditions.push('stage = ?');
      this.params.push(filter.stage);
    }
    if (filter.sequence !== undefined) {
      conditions.push("EXISTS (SELECT 1 FROM enrollments e WHERE e.lead_id = leads.id AND e.sequence_id = ? AND e.status = 'active')");
      this.params.push(filter.sequence);
    }
    for (const { field, value } of filter.where) {
      const column = field.startsWith('attributes.')
        ? `json_extract(attributes, '$."' || ? || '"')`
        : LIST_FIELDS[field];
      if (column === undefined) throw new Error(`unknown lead field ${field}`);
      if (field.startsWith('attributes.')) this.params.push(field.slice('attributes.'.length));
      conditions.push(`${column} = ? COLLATE NOCASE`);
      this.params.push(value);
    }
    this.statement = sqlite
      .prepare(
        `SELECT id, email, first_name, last_name, company, job_title, industry, country, timezone, consent, attributes,
           stage, score, suppressed_reason, paused_at, paused_until,
           (SELECT sequence_id FROM enrollments e WHERE e.lead_id = leads.id AND e.status = 'active' ORDER BY e.id LIMIT 1)
         FROM leads WHERE id > ?${conditions.map((c) => ` AND ${c}`).join('')} ORDER BY id LIMIT ?`,
      )
      .raw();
  }

  /** Every matching lead, `pageSize` at a time. */
  *pages(pageSize = 1000): Generator<ListedLead[]> {
    for (let after = 0; ; ) {
      const rows = this.statement.all(after, ...this.params, pageSize) as ListRow[];
      if (rows.length === 0) return;
      yield rows.map(toListed);
      after = rows[rows.length - 1]![0];
    }
  }

  /** The stored suppression of a lead: which, and since when. */
  suppression(leadId: number): { reason: string; at: number | null } | undefined {
    const row = this.sqlite.prepare('SELECT suppressed_reason AS reason, suppressed_at AS at FROM leads WHERE id = ?').get(leadId) as
      | { reason: string | null; at: number | null }
      | undefined;
    return row?.reason ? { reason: row.reason, at: row.at } : undefined;
  }
}

export function toListed(r: ListRow): ListedLead {
  return {
    ...leadColumns(r),
    stage: r[11],
    score: r[12],
    suppressed: r[13],
    paused: r[14] !== null,
    pausedUntil: r[15],
    sequence: r[16],
  };
}
