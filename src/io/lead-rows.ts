import { z } from 'zod';
import type { LeadInput } from '../db/leads.js';
import { CONSENT_STATES } from '../domain/types.js';
import { isValidZone, parseInstant } from '../time/zone.js';

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

const emailSchema = z.email();

/** Validates one lead row. Returns the lead, or every problem with the field it concerns. */
export function parseLeadRow(fields: Record<string, string>): { lead: LeadInput } | { errors: string[] } {
  const errors: string[] = [];
  const get = (k: string) => (fields[k] ?? '').trim();
  const email = get('email').toLowerCase();
  if (!email) errors.push('email: missing');
  else if (!emailSchema.safeParse(email).success)
    errors.push(`email: "${get('email')}" is not a valid email address`);
  const timezone = get('timezone');
  if (timezone && !isValidZone(timezone))
    errors.push(`timezone: "${timezone}" is not an IANA time zone (expected e.g. Europe/Berlin)`);
  const consent = get('consent').toLowerCase();
  if (consent && !(CONSENT_STATES as readonly string[]).includes(consent)) {
    errors.push(`consent: "${get('consent')}" is not one of ${CONSENT_STATES.join(', ')}`);
  }
  const consentAtText = get('consent_at');
  const consentAt = consentAtText ? parseInstant(consentAtText, 'UTC') : undefined;
  if (consentAt === null) errors.push(`consent_at: "${consentAtText}" is not an ISO 8601 date-time`);
  const country = get('country').toUpperCase();
  if (country && !/^[A-Z]{2}(-[A-Z0-9]+)?$/.test(country))
    errors.push(`country: "${get('country')}" is not an ISO country code (e.g. US, DE)`);
  if (errors.length > 0) return { errors };
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!(KNOWN_LEAD_COLUMNS as readonly string[]).includes(k) && v !== '') attributes[k] = v;
  }
  return {
    lead: {
      email,
      firstName: get('first_name'),
      lastName: get('last_name'),
      company: get('company'),
      jobTitle: get('job_title'),
      industry: get('industry'),
      country,
      timezone,
      consent: consent ? (consent as LeadInput['consent']) : undefined,
      consentAt: consentAt ?? undefined,
      consentSource: get('consent_source'),
      attributes,
    },
  };
}
