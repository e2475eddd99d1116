/**
 * What `nurture serve` answers without a login. Everything else — every review page, its JSON,
 * and any route added later — needs a session: the gate denies by default, so a new page is
 * private unless it is added here on purpose.
 *
 * Matched on the decoded path segments, exactly as the router matches routes, so a path the gate
 * calls public is never routed to a private handler (`/webhooks/../calendar` is `/calendar` by
 * the time either sees it).
 */
export type PathClass =
  /** The links in every email (unsubscribe, click, open, confirm): recipients have no login. */
  | 'link'
  /** Provider callbacks, each authenticated its own way (a shared secret, a signature). */
  | 'webhook'
  /** The login page and form, and what they need (their stylesheet, a health check for proxies). */
  | 'login'
  | 'private';

const LINK_PREFIXES = new Set(['u', 'c', 'o', 'k']);
/** Static files that carry no lead data and that the login page needs. */
export const PUBLIC_ASSETS = new Set(['review.css']);

export function classifyPath(parts: readonly string[]): PathClass {
  const [first, second] = parts;
  if (parts.length === 2 && LINK_PREFIXES.has(first!)) return 'link';
  if (first === 'webhooks' && parts.length >= 2) return 'webhook';
  if (parts.length === 1 && (first === 'login' || first === 'healthz')) return 'login';
  if (parts.length === 2 && first === 'assets' && PUBLIC_ASSETS.has(second!)) return 'login';
  return 'private';
}
