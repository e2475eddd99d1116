import { timingSafeEqual } from 'node:crypto';
import { jsonResponse, type Middleware, pathParts } from '../router.js';
import { sessionIdOf } from './cookies.js';
import { originAllowed } from './origin.js';
import { classifyPath } from './public-paths.js';
import type { ReviewLogin } from './review-login.js';
import type { Session } from './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export const LOGIN_REQUIRED = 'login required: open the login URL that nurture serve printed, or log in at /login';
export const CROSS_ORIGIN = 'refused: this request comes from another site';
export const BAD_CSRF = 'refused: missing or wrong CSRF token (reload the page and try again)';

/**
 * Default deny: every request needs a live session unless its path is on the public list
 * (public-paths.ts). Without one, a page answers 302 to the login page and anything else (the
 * JSON and fragments under /api/, a POST) 401 — neither with a byte of lead data. A logged-in
 * request that changes something (any method but GET/HEAD/OPTIONS) must come from our own origin
 * and carry the session's CSRF token, in the `X-CSRF-Token` header or a `_csrf` form field.
 */
export function loginGate(login: ReviewLogin, publicOrigins: readonly string[]): Middleware {
  return async (request, next) => {
    const url = new URL(request.url);
    const parts = pathParts(url) ?? [];
    const kind = classifyPath(parts);
    const changes = !SAFE_METHODS.has(request.method);
    if (kind === 'link' || kind === 'webhook') return next();
    if (kind === 'login') {
      if (changes && !originAllowed(request, publicOrigins)) return jsonResponse({ error: CROSS_ORIGIN }, 403);
      return next();
    }
    const id = sessionIdOf(request);
    const session = id ? login.session(id) : undefined;
    if (!session) return unauthenticated(request, url, parts);
    if (changes) {
      if (!originAllowed(request, publicOrigins)) return jsonResponse({ error: CROSS_ORIGIN }, 403);
      if (!(await csrfMatches(request, session))) return jsonResponse({ error: BAD_CSRF }, 403);
    }
    return next();
  };
}

function unauthenticated(request: Request, url: URL, parts: string[]): Response {
  const accept = request.headers.get('accept') ?? '';
  const wantsPage = (request.method === 'GET' || request.method === 'HEAD') && parts[0] !== 'api' && !/json/i.test(accept);
  if (!wantsPage) return jsonResponse({ error: LOGIN_REQUIRED }, 401);
  const next = encodeURIComponent(url.pathname + url.search);
  return new Response(null, { status: 302, headers: { location: `/login?next=${next}`, 'cache-control': 'no-store' } });
}

async function csrfMatches(request: Request, session: Session): Promise<boolean> {
  let given = request.headers.get(CSRF_HEADER) ?? '';
  const type = request.headers.get('content-type') ?? '';
  if (!given && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    try {
      const field = (await request.clone().formData()).get(CSRF_FIELD);
      given = typeof field === 'string' ? field : '';
    } catch {
      given = '';
    }
  }
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
