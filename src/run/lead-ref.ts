import { createHmac } from 'node:crypto';

/**
 * An opaque, stable reference to a lead for URLs and calendar UIDs: an HMAC of the lower-cased
 * address under the workspace secret, so a link or an exported calendar never carries the
 * address or the row id, and nobody without the secret can derive one lead's ref from another's.
 */
export function leadRef(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`lead|${email.toLowerCase()}`).digest('hex').slice(0, 20);
}

/** Memoised refs: a calendar of 100,000 leads asks for the same address many times. */
export function leadRefs(secret: string): (email: string) => string {
  const cache = new Map<string, string>();
  return (email) => {
    let ref = cache.get(email);
    if (ref === undefined) cache.set(email, (ref = leadRef(secret, email)));
    return ref;
  };
}
