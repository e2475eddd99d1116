import type { ConsentState, Policy } from './types.js';

/** Whether a lead's consent allows nurture mail under the workspace policy (invariant 1). */
export function consentAllowsMail(consent: ConsentState, policy: Pick<Policy, 'consent'>): boolean {
  if (consent === 'confirmed') return true;
  if (consent === 'pending') return policy.consent === 'single';
  return false;
}
