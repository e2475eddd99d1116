import { createHash } from 'node:crypto';
import { classifyPath, type PathClass } from './login/public-paths.js';
import { type Middleware, pathParts } from './router.js';

/** The CSP source that allows exactly this inline `<style>` text and nothing else. */
export const styleHash = (css: string) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

/**
 * The review pages and the login page: scripts only from our own files (no inline script, no
 * `on…=` attribute, no eval), no framing, forms only to ourselves. FullCalendar adds its CSS
 * through the CSSOM into an empty `<style data-fullcalendar>` the layout provides, so the one
 * inline style allowed is the empty one (its hash).
 */
export const REVIEW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${styleHash('')}`,
  "img-src 'self' data:",
  // FullCalendar's arrow icons are a font inlined in its CSS as a data: URL.
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Sets the security headers on every response, whatever made it (a handler, the gate, a 404):
 * a CSP when the handler set none, `nosniff`, no framing, and a referrer policy. The email link
 * pages send no referrer at all; the review pages `same-origin`, so that their own POSTs keep a
 * real `Origin` for the CSRF check (under `no-referrer` browsers send `Origin: null`). Anything
 * behind the login is `no-store` unless the handler says otherwise (static files). Set on the
 * response itself (a copy would wrap its body in a stream, which every email open then pays for),
 * or on a copy when its headers are immutable (a `Response.redirect`, a fetched response).
 */
export const securityHeaders: Middleware = async (request, next) => {
  const response = await next();
  const kind = classifyPath(pathParts(new URL(request.url)) ?? []);
  try {
    secure(response.headers, kind);
    return response;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const headers = new Headers(response.headers);
    secure(headers, kind);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
};

function secure(headers: Headers, kind: PathClass): void {
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', REVIEW_CSP);
  headers.set('x-content-type-options', 'nosniff');
  headers.set('x-frame-options', 'DENY');
  if (!headers.has('referrer-policy')) headers.set('referrer-policy', kind === 'link' || kind === 'webhook' ? 'no-referrer' : 'same-origin');
  if (kind === 'private' && !headers.has('cache-control')) headers.set('cache-control', 'no-store');
}
