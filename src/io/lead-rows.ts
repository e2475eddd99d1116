import type { LeadInput } from '../db/leads.js';
import { CONSENT_STATES } from '../domain/types.js';
import { isValidZone, parseInstant } from '../time/zone.js';
import { parseAddress } from './address.js';
import { countryCode } from './countries.js';
import { BOUNCED_STATUS, CUSTOMER_STAGES, OPTED_OUT_STATUSES } from './presets.js';
import type { LeadField } from './types.js';
import { guessZone } from './zones.js';

/** Our own column names (the mapping also understands the CRM spellings, see presets.ts). */
export const KNOWN_LEAD_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'company',
  'job_title',
  'industry',
  'country',
  'timezone',
  'consent',
  'consent_at',
  'consent_source',
] as const;

/** A parsed lead with what the import reports about it. */
export interface ParsedLead {
  lead: LeadInput;
  /** The CRM says the lead already bought: a `became_customer` event stops nurture. */
  customer: boolean;
  /** An opt-out, do-not-contact or non-marketing column made the lead unsubscribed. */
  optedOut: boolean;
  /** A bounce column: the address is suppressed as bounced. */
  bounced: boolean;
  /** Problems that did not stop the row (an unknown country). */
  notes: string[];
  /** What the zone was guessed from ("country DE"), when it was. */
  zoneFrom?: string;
}

/** Opt-out and bounce cells: blank and the usual "no" spellings are no; anything else (true, yes, 1, a date, a reason) is yes. */
const NO = new Set(['', 'false', 'no', 'n', '0', 'off', 'none', 'null', 'f', 'opted in', 'subscribed', 'not unsubscribed']);
const isYes = (value: string) => !NO.has(value.trim().toLowerCase());

/** HubSpot writes zones as `america_slash_new_york`. */
function zoneName(text: string): string {
  if (!/_slash_/i.test(text)) return text;
  return text
    .split(/_slash_/i)
    .map((part) => part.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => `${sep}${c.toUpperCase()}`))
    .join('/');
}

/** Validates one lead row. Returns the lead, or every problem with the field it concerns. */
export function parseLeadRow(
  fields: Partial<Record<LeadField, string>>,
  attributes: Record<string, string>,
): ParsedLead | { errors: string[] } {
  const errors: string[] = [];
  const notes: string[] = [];
  const get = (k: LeadField) => (fields[k] ?? '').trim();
  const emailText = get('email');
  const address = emailText ? parseAddress(emailText) : null;
  if (!emailText) errors.push('email: missing');
  else if (!address) errors.push(`email: "${emailText}" is not a valid email address`);
  const givenZone = zoneName(get('timezone'));
  if (givenZone && !isValidZone(givenZone))
    errors.push(`timezone: "${givenZone}" is not an IANA time zone (expected e.g. Europe/Berlin)`);
  let consent = get('consent').toLowerCase();
  if (consent && !(CONSENT_STATES as readonly string[]).includes(consent)) {
    errors.push(`consent: "${get('consent')}" is not one of ${CONSENT_STATES.join(', ')}`);
  }
  const consentAtText = get('consent_at');
  const consentAt = consentAtText ? parseInstant(consentAtText, 'UTC') : undefined;
  if (consentAt === null) errors.push(`consent_at: "${consentAtText}" is not an ISO 8601 date-time`);
  if (errors.length > 0 || !address) return { errors };

  const countryText = get('country');
  const country = countryCode(countryText) ?? '';
  if (countryText && !country)
    notes.push(`country: "${countryText}" is not a country we know (expected a name such as Germany or a code such as DE); stored without a country`);
  const state = get('state');
  const city = get('city');
  const stage = get('lifecycle_stage');
  const extra: Record<string, string> = { ...attributes };
  if (state) extra.state = state;
  if (city) extra.city = city;
  if (stage) extra.lifecycle_stage = stage;
  if (address.role) extra.role_address = 'true';

  // Several columns may say it (see MULTI_FIELDS): any one saying yes is enough.
  const each = (k: LeadField) => get(k).split('\n');
  const statuses = each('marketing_status').map((s) => s.trim().toLowerCase());
  // A status of "bounced" (ActiveCampaign's list status) says the address is dead, not that its owner opted out.
  const bounced = each('bounced').some(isYes) || statuses.includes(BOUNCED_STATUS);
  const optedOut = each('unsubscribed').some(isYes) || statuses.some((s) => s !== BOUNCED_STATUS && OPTED_OUT_STATUSES.includes(s));
  if (optedOut) consent = 'unsubscribed';

  let firstName = get('first_name');
  let lastName = get('last_name');
  const fullName = get('full_name');
  if (fullName && !firstName && !lastName) {
    const [first, ...rest] = fullName.split(/\s+/);
    firstName = first ?? '';
    lastName = rest.join(' ');
  }

  const guess = givenZone ? null : guessZone(country, state, city);
  return {
    lead: {
      email: address.email,
      firstName,
      lastName,
      company: get('company'),
      jobTitle: get('job_title'),
      industry: get('industry'),
      country,
      timezone: givenZone || guess?.zone || '',
      zoneSource: givenZone ? 'given' : (guess?.source ?? 'workspace'),
      consent: consent ? (consent as LeadInput['consent']) : undefined,
      consentAt: consentAt ?? undefined,
      consentSource: get('consent_source') || (optedOut ? 'crm-opt-out' : ''),
      attributes: extra,
    },
    customer: CUSTOMER_STAGES.includes(stage.toLowerCase()),
    optedOut,
    bounced,
    notes,
    ...(guess ? { zoneFrom: guess.from } : {}),
  };
}
