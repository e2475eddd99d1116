import type { Database } from 'better-sqlite3';
import type { ConsentState, LeadProfile } from '../domain/types.js';
import { scanForFit } from './lead-scan.js';
import { type SavedScore, ScoreStore } from './scores.js';

export interface LeadInput {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  jobTitle?: string;
  industry?: string;
  country?: string;
  timezone?: string;
  consent?: ConsentState;
  consentAt?: number;
  consentSource?: string;
  attributes: Record<string, string>;
}

export interface LeadRow extends LeadProfile {
  suppressedReason: string | null;
  /** The scores and stage last saved (null before the first scoring). */
  saved: Required<SavedScore>;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  consentChanges: number;
}

/** Columns a re-import may change: a blank cell keeps what we had rather than erasing it. */
const PROFILE_COLUMNS = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['company', 'company'],
  ['jobTitle', 'job_title'],
  ['industry', 'industry'],
  ['country', 'country'],
  ['timezone', 'timezone'],
] as const;

/** What a LeadRow is read from, in the order `toLeadRow` reads it (rows are read raw: no per-row key objects). */
const LEAD_COLUMNS = `id, email, first_name, last_name, company, job_title, industry, country, timezone, consent, attributes,
  suppressed_reason, score, stage, fit_score, engagement_score, paused_at, paused_until`;

export class LeadStore {
  private readonly byEmail;
  private readonly pageFrom;
  private readonly leadById;
  private readonly nthIdAfter;
  private readonly insert;
  private readonly update;
  private readonly logConsent;
  /** Score columns, score history and handoffs. */
  readonly scores: ScoreStore;

  constructor(private readonly sqlite: Database) {
    this.scores = new ScoreStore(sqlite);
    this.byEmail = sqlite.prepare('SELECT id, consent, attributes FROM leads WHERE email = ?');
    this.pageFrom = sqlite.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id > ? ORDER BY id LIMIT ?`).raw();
    this.leadById = sqlite.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id = ?`).raw();
    this.nthIdAfter = sqlite.prepare('SELECT id FROM leads WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    this.insert = sqlite.prepare(
      `INSERT INTO leads (email, first_name, last_name, company, job_title, industry, country, timezone, consent,
        consent_at, consent_source, attributes, suppressed_reason, suppressed_at, created_at, updated_at)
       VALUES (@email, @first_name, @last_name, @company, @job_title, @industry, @country, @timezone, @consent,
        @consent_at, @consent_source, @attributes, @suppressed_reason, @suppressed_at, @now, @now)`,
    );
    this.update = sqlite.prepare(
      `UPDATE leads SET ${PROFILE_COLUMNS.map(([, c]) => `${c} = coalesce(nullif(@${c}, ''), ${c})`).join(', ')},
        consent = @consent, consent_at = coalesce(@consent_at, consent_at),
        consent_source = coalesce(nullif(@consent_source, ''), consent_source), attributes = @attributes,
        suppressed_reason = coalesce(suppressed_reason, @suppressed_reason),
        suppressed_at = coalesce(suppressed_at, @suppressed_at), updated_at = @now
       WHERE id = @id`,
    );
    this.logConsent = sqlite.prepare(
      `INSERT INTO consent_log (lead_id, consent, previous, at, recorded_at, source, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Upserts a batch by lower-cased email in one transaction; every consent change is logged with evidence. */
  upsertBatch(rows: { lead: LeadInput; evidence: string }[], now: number): UpsertResult {
    const result: UpsertResult = { inserted: 0, updated: 0, consentChanges: 0 };
    this.sqlite.transaction(() => {
      for (const { lead, evidence } of rows) {
        const email = lead.email.toLowerCase();
        const existing = this.byEmail.get(email) as
          | { id: number; consent: ConsentState; attributes: string }
          | undefined;
        const consent = lead.consent ?? existing?.consent ?? 'none';
        const unsubscribed = consent === 'unsubscribed';
        const params = {
          email,
          first_name: lead.firstName ?? '',
          last_name: lead.lastName ?? '',
          company: lead.company ?? '',
          job_title: lead.jobTitle ?? '',
          industry: lead.industry ?? '',
          country: lead.country ?? '',
          timezone: lead.timezone ?? '',
          consent,
          consent_at: lead.consentAt ?? null,
          consent_source: lead.consentSource ?? '',
          attributes: JSON.stringify({
            ...(existing ? JSON.parse(existing.attributes) : {}),
            ...lead.attributes,
          }),
          suppressed_reason: unsubscribed ? 'unsubscribed' : null,
          suppressed_at: unsubscribed ? (lead.consentAt ?? now) : null,
          now,
        };
        let id: number;
        if (existing) {
          // Once unsubscribed, only a new confirmed opt-in (with its evidence) lifts it; a stale row cannot.
          if (existing.consent === 'unsubscribed' && consent !== 'confirmed') params.consent = 'unsubscribed';
          this.update.run({ ...params, id: existing.id });
          id = existing.id;
          result.updated++;
        } else {
          id = Number(this.insert.run(params).lastInsertRowid);
          result.inserted++;
        }
        if ((existing?.consent ?? 'none') !== params.consent || (!existing && params.consent !== 'none')) {
          this.logConsent.run(
            id,
            params.consent,
            existing?.consent ?? null,
            lead.consentAt ?? now,
            now,
            lead.consentSource || 'import',
            evidence,
          );
          result.consentChanges++;
        }
      }
    })();
    return result;
  }

  idsByEmail(emails: string[]): Map<string, number> {
    const out = new Map<string, number>();
    const lookup = this.sqlite.prepare('SELECT id FROM leads WHERE email = ?');
    for (const e of emails) {
      const row = lookup.get(e.toLowerCase()) as { id: number } | undefined;
      if (row) out.set(e.toLowerCase(), row.id);
    }
    return out;
  }

  byId(id: number): LeadRow | undefined {
    const row = this.leadById.get(id) as RawLead | undefined;
    return row ? toLeadRow(row) : undefined;
  }

  findByEmail(email: string): LeadRow | undefined {
    const row = this.sqlite.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE email = ?`).raw().get(email.toLowerCase()) as
      | RawLead
      | undefined;
    return row ? toLeadRow(row) : undefined;
  }

  /** Marks an address as never to be mailed again; the earliest reason wins. */
  suppress(leadId: number, reason: string, at: number, evidence: string, now: number): void {
    this.sqlite.transaction(() => {
      const row = this.sqlite.prepare('SELECT consent FROM leads WHERE id = ?').get(leadId) as {
        consent: string;
      };
      this.sqlite
        .prepare(
          'UPDATE leads SET suppressed_reason = coalesce(suppressed_reason, ?), suppressed_at = coalesce(suppressed_at, ?), updated_at = ? WHERE id = ?',
        )
        .run(reason, at, now, leadId);
      if (reason === 'unsubscribed' && row.consent !== 'unsubscribed') {
        this.sqlite.prepare("UPDATE leads SET consent = 'unsubscribed' WHERE id = ?").run(leadId);
        this.logConsent.run(leadId, 'unsubscribed', row.consent, at, now, 'event', evidence);
      }
    })();
  }

  /**
   * Double opt-in confirmed through the signed link: pending → confirmed, logged with its
   * evidence. A suppressed (unsubscribed, bounced, complained) address is never re-opened here.
   */
  confirmConsent(leadId: number, now: number, evidence: string): boolean {
    return this.sqlite.transaction(() => {
      const row = this.sqlite.prepare('SELECT consent, suppressed_reason AS suppressed FROM leads WHERE id = ?').get(leadId) as
        | { consent: string; suppressed: string | null }
        | undefined;
      if (!row || row.suppressed !== null || row.consent === 'unsubscribed') return false;
      if (row.consent === 'confirmed') return true;
      this.sqlite
        .prepare("UPDATE leads SET consent = 'confirmed', consent_at = ?, consent_source = 'double-opt-in', updated_at = ? WHERE id = ?")
        .run(now, now, leadId);
      this.logConsent.run(leadId, 'confirmed', row.consent, now, now, 'double-opt-in', evidence);
      return true;
    })();
  }

  /** Leads with id > afterId, ascending, at most `limit`: keyset paging so a run never loads the whole table. */
  page(afterId: number, limit: number): LeadRow[] {
    return (this.pageFrom.all(afterId, limit) as RawLead[]).map(toLeadRow);
  }

  /** The id of the `n`-th lead after `afterId` (in id order), or undefined when fewer follow. */
  idAfter(afterId: number, n: number): number | undefined {
    return this.nthIdAfter.get(afterId, n - 1) as number | undefined;
  }

  /**
   * Bounds that cut the leads, in id order, into `parts` runs of nearly equal size: each run is
   * (afterId, lastId]. Fewer runs when there are fewer leads than parts.
   */
  idRuns(parts: number): { afterId: number; lastId: number }[] {
    const n = this.count();
    const at = this.sqlite.prepare('SELECT id FROM leads ORDER BY id LIMIT 1 OFFSET ?').pluck();
    const runs: { afterId: number; lastId: number }[] = [];
    let afterId = 0;
    for (let k = 1; k <= Math.min(parts, n); k++) {
      const lastId = at.get(Math.ceil((k * n) / Math.min(parts, n)) - 1) as number;
      runs.push({ afterId, lastId });
      afterId = lastId;
    }
    return runs;
  }

  count(): number {
    return (this.sqlite.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }).n;
  }

  /** Every lead with only the fields a fit pass reads (see lead-scan.ts). */
  scanForFit(fields: readonly string[]): Generator<LeadProfile> {
    return scanForFit(this.sqlite, fields);
  }

  /** The leads with these ids (missing ids are left out), in the order given. */
  byIds(ids: readonly number[]): LeadRow[] {
    const out: LeadRow[] = [];
    for (const id of ids) {
      const row = this.leadById.get(id) as RawLead | undefined;
      if (row) out.push(toLeadRow(row));
    }
    return out;
  }

  consentLog(
    leadId: number,
  ): { consent: string; previous: string | null; at: number; source: string; evidence: string }[] {
    return this.sqlite
      .prepare(
        'SELECT consent, previous, at, source, evidence FROM consent_log WHERE lead_id = ? ORDER BY at, id',
      )
      .all(leadId) as {
      consent: string;
      previous: string | null;
      at: number;
      source: string;
      evidence: string;
    }[];
  }
}

/** A row of LEAD_COLUMNS. */
type RawLead = [
  id: number,
  email: string,
  firstName: string,
  lastName: string,
  company: string,
  jobTitle: string,
  industry: string,
  country: string,
  timezone: string,
  consent: ConsentState,
  attributes: string,
  suppressedReason: string | null,
  score: number | null,
  stage: string | null,
  fit: number | null,
  engagement: number | null,
  pausedAt: number | null,
  pausedUntil: number | null,
];

function toLeadRow(r: RawLead): LeadRow {
  const row: LeadRow = {
    id: r[0],
    email: r[1],
    firstName: r[2],
    lastName: r[3],
    company: r[4],
    jobTitle: r[5],
    industry: r[6],
    country: r[7],
    timezone: r[8],
    consent: r[9],
    // Most leads have no attributes: skip the parser for them.
    attributes: r[10] === '{}' ? {} : (JSON.parse(r[10]) as Record<string, string>),
    suppressedReason: r[11],
    saved: { score: r[12], stage: r[13], fit: r[14], engagement: r[15] },
  };
  if (r[16] !== null) row.pause = { since: r[16], until: r[17] };
  return row;
}
