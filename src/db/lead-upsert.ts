import type { ConsentState } from '../domain/types.js';
import type { LeadInput, RefusedConsent } from './leads.js';

/** Consent from least to most: an import may move a suppressed address down this list, never up. */
const CONSENT_RANK: Readonly<Record<ConsentState, number>> = { unsubscribed: 0, none: 1, pending: 2, confirmed: 3 };

/** Columns a re-import may change: a blank cell keeps what we had rather than erasing it. */
const PROFILE_COLUMNS = ['first_name', 'last_name', 'company', 'job_title', 'industry', 'country'] as const;

/** A zone given in the file (or stored before zones were guessed) is never replaced by a guess. */
const GIVEN_BEFORE = `(zone_source = 'given' OR (zone_source IS NULL AND timezone <> ''))`;

/** The lead as the import found it (read under the batch's lock on PostgreSQL). */
export interface ExistingLead {
  id: number;
  consent: ConsentState;
  attributes: string;
  suppressed_reason: string | null;
}

/** The values of one upserted row, named as the statements' parameters. */
export interface UpsertParams {
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  job_title: string;
  industry: string;
  country: string;
  timezone: string;
  zone_source: string | null;
  consent: ConsentState;
  consent_at: number | null;
  consent_source: string;
  attributes: string;
  suppressed_reason: string | null;
  suppressed_at: number | null;
  now: number;
}

/** A consent_log row without its lead id (a new lead has none until it is inserted). */
export type ConsentLogValues = [consent: string, previous: string | null, at: number, recordedAt: number, source: string, evidence: string, refused: string | null];

/** What one input row does to its lead: the values to write, and the one consent_log row it adds (if any). */
export interface UpsertDecision {
  params: UpsertParams;
  existing: ExistingLead | undefined;
  refused?: RefusedConsent;
  /** A refusal is logged before the row is written, a change after; never both. */
  log?: ConsentLogValues;
}

/**
 * The one upsert rule both stores apply, row by row (SQLite) or a batch at a time (PostgreSQL).
 * Invariant 11: an import never raises an unsubscribed, bounced or complained address; only a new
 * opt-in through the confirmation link does. The refusal is logged and reported.
 */
export function decideUpsert(lead: LeadInput, evidence: string, existing: ExistingLead | undefined, now: number): UpsertDecision {
  const email = lead.email.toLowerCase();
  let consent = lead.consent ?? existing?.consent ?? 'none';
  let refused: RefusedConsent | undefined;
  let log: ConsentLogValues | undefined;
  const because = existing && (existing.consent === 'unsubscribed' ? 'unsubscribed' : existing.suppressed_reason);
  if (existing && because && CONSENT_RANK[consent] > CONSENT_RANK[existing.consent]) {
    refused = { email, evidence, asked: consent, kept: existing.consent, because };
    log = [existing.consent, existing.consent, now, now, lead.consentSource || 'import', evidence, consent];
    consent = existing.consent;
  }
  const unsubscribed = consent === 'unsubscribed';
  const params: UpsertParams = {
    email,
    first_name: lead.firstName ?? '',
    last_name: lead.lastName ?? '',
    company: lead.company ?? '',
    job_title: lead.jobTitle ?? '',
    industry: lead.industry ?? '',
    country: lead.country ?? '',
    timezone: lead.timezone ?? '',
    zone_source: lead.zoneSource ?? (lead.timezone ? 'given' : null),
    consent,
    consent_at: refused ? null : (lead.consentAt ?? null),
    consent_source: refused ? '' : (lead.consentSource ?? ''),
    attributes: JSON.stringify({ ...(existing ? (JSON.parse(existing.attributes) as object) : {}), ...lead.attributes }),
    suppressed_reason: unsubscribed ? 'unsubscribed' : null,
    suppressed_at: unsubscribed ? (lead.consentAt ?? now) : null,
    now,
  };
  if ((existing?.consent ?? 'none') !== consent || (!existing && consent !== 'none'))
    log = [consent, existing?.consent ?? null, lead.consentAt ?? now, now, lead.consentSource || 'import', evidence, null];
  return { params, existing, ...(refused ? { refused } : {}), ...(log ? { log } : {}) };
}

/** The columns an insert writes, in UpsertParams' names (`now` fills created_at and updated_at). */
export const INSERT_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'company',
  'job_title',
  'industry',
  'country',
  'timezone',
  'zone_source',
  'consent',
  'consent_at',
  'consent_source',
  'attributes',
  'suppressed_reason',
  'suppressed_at',
] as const;

/**
 * The SET list of an existing lead's update, with each parameter spelled by `p` (`@consent` in
 * SQLite, `u.p_consent` from an unnest in PostgreSQL): one text, so both stores merge alike.
 */
export function leadUpdateSet(p: (name: keyof UpsertParams) => string): string {
  return `${PROFILE_COLUMNS.map((c) => `${c} = coalesce(nullif(${p(c)}, ''), ${c})`).join(', ')},
    timezone = CASE WHEN ${p('zone_source')} = 'given' OR NOT ${GIVEN_BEFORE} THEN coalesce(nullif(${p('timezone')}, ''), timezone) ELSE timezone END,
    zone_source = CASE WHEN ${p('zone_source')} = 'given' THEN 'given' WHEN ${GIVEN_BEFORE} THEN 'given'
      WHEN ${p('timezone')} <> '' OR timezone = '' THEN ${p('zone_source')} ELSE zone_source END,
    consent = ${p('consent')}, consent_at = coalesce(${p('consent_at')}, consent_at),
    consent_source = coalesce(nullif(${p('consent_source')}, ''), consent_source), attributes = ${p('attributes')},
    suppressed_reason = coalesce(suppressed_reason, ${p('suppressed_reason')}),
    suppressed_at = coalesce(suppressed_at, ${p('suppressed_at')}), updated_at = ${p('now')}`;
}
