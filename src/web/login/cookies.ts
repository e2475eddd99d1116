/**
 * The two cookies of a review session. Over HTTPS (or behind a proxy that says so with
 * `X-Forwarded-Proto: https` or `Forwarded: proto=https`) they are `Secure` and carry the
 * `__Host-` prefix, which browsers only accept from a secure origin for the whole host.
 *
 * - the session id: HttpOnly, so no script (ours included) can read it;
 * - the CSRF token: readable by our own script (assets/review.js), which copies it into every
 *   form and request that changes something. A page on another site can neither read it nor
 *   make the browser send it (SameSite=Strict), and the server compares it with the session's.
 */
const SESSION = 'nurture_session';
const CSRF = 'nurture_csrf';

export function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (proto) return proto === 'https';
  return /(?:^|[;,\s])proto=(?:"?)https\b/i.test(request.headers.get('forwarded') ?? '');
}

/** `name=value` pairs of the Cookie header; the first of a repeated name wins. */
export function readCookies(request: Request): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at < 1) continue;
    const name = pair.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(at + 1).trim());
  }
  return cookies;
}

const nameOf = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);

/** The session id the request carries (the `__Host-` cookie first), if any. */
export function sessionIdOf(request: Request): string | undefined {
  const cookies = readCookies(request);
  return cookies.get(nameOf(SESSION, true)) ?? cookies.get(SESSION);
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean, httpOnly: boolean): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'SameSite=Strict',
    ...(httpOnly ? ['HttpOnly'] : []),
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function sessionCookies(request: Request, session: { id: string; csrf: string }, maxAgeMs: number): string[] {
  const secure = isHttps(request);
  const age = Math.floor(maxAgeMs / 1000);
  return [cookie(nameOf(SESSION, secure), session.id, age, secure, true), cookie(nameOf(CSRF, secure), session.csrf, age, secure, false)];
}

export function clearedCookies(request: Request): string[] {
  const secure = isHttps(request);
  return [cookie(nameOf(SESSION, secure), '', 0, secure, true), cookie(nameOf(CSRF, secure), '', 0, secure, false)];
}
