import type { LeadProfile } from './types.js';

/**
 * Where a lead's zone came from, in words for explain and the lead page: "given",
 * "guessed from country DE", "guessed from region California", "workspace default". `source`
 * is what the import stored (null for leads stored before imports said: given when there is a zone).
 */
export function zoneOrigin(lead: Pick<LeadProfile, 'timezone' | 'country' | 'attributes'>, source: string | null): string {
  if (!lead.timezone) return 'workspace default (no zone, and none could be guessed)';
  switch (source) {
    case 'country':
      return `guessed from country ${lead.country}`;
    case 'region':
      return `guessed from region ${lead.attributes.state ?? ''} (${lead.country})`;
    case 'city':
      return `guessed from city ${lead.attributes.city ?? ''} (${lead.country})`;
    default:
      return 'given';
  }
}
