import { StatementCache } from './statements.js';
import type { Database } from 'better-sqlite3';
import type { ConsentState, LeadProfile } from '../domain/types.js';
import type { ZoneSource } from '../io/types.js';
import { decideUpsert, type ExistingLead, leadUpdateSet } from './lead-upsert.js';
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
  /** Where `timezone` came from (default: given when there is one). */
  zoneSource?: ZoneSource;
  consent?: ConsentState;
  consentAt?: number;
  consentSource?: string;
  attributes: Record<string, string>;
}

export interface LeadRow extends LeadProfile {
  suppressedReason: string | null;
  /** The scores and stage last saved (null before the first scoring). */
  saved: Required<SavedScore>;
  /** The input version read with the row: a run's wake is kept only if it is still this (see setWakes). */
  inputVersion: number;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  consentChanges: number;
  /** Rows that asked to raise the consent of an unsubscribed, bounced or complained address (invariant 11). */
  refused: RefusedConsent[];
}

export interface RefusedConsent {
  email: string;
  evidence: string;
  asked: ConsentState;
  kept: ConsentState;
  /** Why: "unsubscribed", or the suppression (bounced, complained). */
  because: string;
}

/** What a LeadRow is read from, in the order `toLeadRow` reads it (rows are read raw: no per-row key objects). */
export const LEAD_COLUMNS = `id, email, first_name, last_name, company, job_title, industry, country, timezone, consent, attributes,
  suppressed_reason, score, stage, fit_score, engagement_score, paused_at, paused_until, input_version`;

export class LeadStore {
  private readonly byEmail;
  private readonly pageFrom;
  private readonly leadById;
  private readonly nthIdAfter;
  private readonly insert;
  private readonly update;
  private readonly logConsent;
  private readonly statements: StatementCache;
  /** Score columns, score history and handoffs. */
  readonly scores: ScoreStore;

  constructor(private readonly sqlite: Database) {
    this.scores = new ScoreStore(sqlite);
    this.statements = new StatementCache(sqlite);
    this.byEmail = sqlite.prepare('SELECT id, consent, attributes, suppressed_reason FROM leads WHERE email = ?');
    this.pageFrom = sqlite.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id > ? ORDER BY id LIMIT ?`).raw();
    this.leadById = sqlite.prepare(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id = ?`).raw();
    this.nthIdAfter = sqlite.prepare('SELECT id FROM leads WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    this.insert = sqlite.prepare(
      `INSERT INTO leads (email, first_name, last_name, company, job_title, industry, country, timezone, zone_source, consent,
        consent_at, consent_source, attributes, suppressed_reason, suppressed_at, created_at, updated_at)
       VALUES (@email, @first_name, @last_name, @company, @job_title, @industry, @country, @timezone, @zone_source, @consent,
        @consent_at, @consent_source, @attributes, @suppressed_reason, @suppressed_at, @now, @now)`,
    );
    this.update = sqlite.prepare(`UPDATE leads SET ${leadUpdateSet((n) => `@${n}`)} WHERE id = @id`);
    this.logConsent = sqlite.prepare(
      `INSERT INTO consent_log (lead_id, consent, previous, at, recorded_at, source, evidence, refused)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Upserts a batch by lower-cased email in one transaction; every consent change is logged with evidence. */
  upsertBatch(rows: { lead: LeadInput; evidence: string }[], now: number): UpsertResult {
    const result: UpsertResult = { inserted: 0, updated: 0, consentChanges: 0, refused: [] };
    this.sqlite.transaction(() => {
      for (const { lead, evidence } of rows) {
        const existing = this.byEmail.get(lead.email.toLowerCase()) as ExistingLead | undefined;
        const d = decideUpsert(lead, evidence, existing, now);
        if (d.refused) {
          result.refused.push(d.refused);
          this.logConsent.run(existing!.id, ...d.log!);
        }
        let id: number;
        if (existing) {
          this.update.run({ ...d.params, id: existing.id });
          id = existing.id;
          result.updated++;
        } else {
          id = Number(this.insert.run(d.params).lastInsertRowid);
          result.inserted++;
        }
        if (d.log && !d.refused) {
          this.logConsent.run(id, ...d.log);
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
        this.logConsent.run(leadId, 'unsubscribed', row.consent, at, now, 'event', evidence, null);
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
      this.logConsent.run(leadId, 'confirmed', row.consent, now, now, 'double-opt-in', evidence, null);
      return true;
    })();
  }

  /** Leads with id > afterId, ascending, at most `limit`: keyset paging so a run never loads the whole table. */
  /** With `dueBy`: only leads due for planning by then (`wake_at <= dueBy`: an incremental run's). */
  page(afterId: number, limit: number, dueBy?: number): LeadRow[] {
    if (dueBy === undefined) return (this.pageFrom.all(afterId, limit) as RawLead[]).map(toLeadRow);
    const due = this.statements.get(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id > ? AND wake_at <= ? ORDER BY id LIMIT ?`).raw();
    return (due.all(afterId, dueBy, limit) as RawLead[]).map(toLeadRow);
  }

  /**
   * The due leads of (afterId, lastId], ascending, however many: a range fixed before the run
   * read it may gain due leads meanwhile (a webhook's event wakes one), and a LIMIT would then
   * cut off its last one while the next range starts after `lastId`.
   */
  dueInRange(afterId: number, lastId: number, dueBy: number): LeadRow[] {
    const due = this.statements.get(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id > ? AND id <= ? AND wake_at <= ? ORDER BY id`).raw();
    return (due.all(afterId, lastId, dueBy) as RawLead[]).map(toLeadRow);
  }

  /** The id of the `n`-th lead after `afterId` (in id order; with `dueBy`, of those due), or undefined when fewer follow. */
  idAfter(afterId: number, n: number, dueBy?: number): number | undefined {
    if (dueBy === undefined) return this.nthIdAfter.get(afterId, n - 1) as number | undefined;
    const due = this.statements.get('SELECT id FROM leads WHERE id > ? AND wake_at <= ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    return due.get(afterId, dueBy, n - 1) as number | undefined;
  }

  /** How many leads are due for planning by `dueBy`. */
  dueCount(dueBy: number): number {
    return this.statements.get('SELECT count(*) FROM leads WHERE wake_at <= ?').pluck().get(dueBy) as number;
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

  /**
   * Records when each planned lead must next be planned: `[id, wakeAt, inputVersion]` triples.
   * A lead whose input changed since it was read (its version moved: an event recorded, a pause)
   * keeps the trigger's wake (0), so the run's plan from older input never puts it to sleep.
   */
  setWakes(wakes: readonly number[]): void {
    const stmt = this.statements.get('UPDATE leads SET wake_at = ? WHERE id = ? AND input_version = ? AND wake_at IS NOT ?');
    for (let i = 0; i < wakes.length; i += 3) stmt.run(wakes[i + 1], wakes[i], wakes[i + 2], wakes[i + 1]);
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
  ): { consent: string; previous: string | null; at: number; source: string; evidence: string; refused: string | null }[] {
    return this.sqlite
      .prepare(
        'SELECT consent, previous, at, source, evidence, refused FROM consent_log WHERE lead_id = ? ORDER BY at, id',
      )
      .all(leadId) as {
      consent: string;
      previous: string | null;
      at: number;
      source: string;
      evidence: string;
      refused: string | null;
    }[];
  }

  /** Where the lead's zone came from (given, country, region, city, workspace), or null when no import said. */
  zoneSourceOf(leadId: number): ZoneSource | null {
    const row = this.sqlite.prepare('SELECT zone_source FROM leads WHERE id = ?').get(leadId) as
      | { zone_source: ZoneSource | null }
      | undefined;
    return row?.zone_source ?? null;
  }
}

/** A row of LEAD_COLUMNS. */
export type RawLead = [
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
  inputVersion: number,
];

/**
 * The first eleven columns every lead read selects, in LEAD_COLUMNS' order (id, the profile
 * fields, consent, attributes), decoded once for the planner's reads and `leads list` alike.
 */
export function leadColumns<C extends string>(
  r: readonly [number, string, string, string, string, string, string, string, string, C, string, ...unknown[]],
) {
  return {
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
  };
}

export function toLeadRow(r: RawLead): LeadRow {
  const row: LeadRow = {
    ...leadColumns(r),
    suppressedReason: r[11],
    saved: { score: r[12], stage: r[13], fit: r[14], engagement: r[15] },
    inputVersion: Number(r[18]),
  };
  if (r[16] !== null) row.pause = { since: r[16], until: r[17] };
  return row;
}
