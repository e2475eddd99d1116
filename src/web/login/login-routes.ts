import { loginPage } from '../pages/login.js';
import { html, type Router } from '../router.js';
import { clearedCookies, sessionCookies, sessionIdOf } from './cookies.js';
import type { ReviewLogin } from './review-login.js';

export const TOKEN_USED = 'This login link was already used, or is not one that nurture serve printed. Use the newest URL in its terminal.';
export const WRONG_PASSWORD = 'Wrong password.';
export const TOO_MANY = 'Too many wrong passwords: wait a minute and try again.';
export const PASSWORD_OFF = 'Password login is off: start nurture serve with NURTURE_SERVE_PASSWORD set, or use the login URL it printed.';

const HOME = '/calendar';

/** Where to go after logging in: only a path of this server (never `//evil.example` or a URL). */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\\\s]/.test(value)) return HOME;
  const base = 'http://nurture.invalid';
  const url = new URL(value, base);
  if (url.origin !== base || url.pathname === '/login') return HOME;
  return url.pathname + url.search;
}

function redirect(location: string, cookies: string[] = [], status = 302): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const c of cookies) headers.append('set-cookie', c);
  return new Response(null, { status, headers });
}

/**
 * `GET /login?token=…` (the URL `serve` prints) and `POST /login` (the password form) open a
 * session and send the browser on to the page it asked for; `POST /logout` ends it. The gate
 * (gate.ts) lets /login through and holds /logout to the same CSRF check as every other change.
 */
export function registerLoginRoutes(router: Router, login: ReviewLogin): void {
  const page = (next: string, message: string | undefined, status: number) =>
    html(loginPage({ passwordEnabled: login.passwordEnabled, next, message }), status, {
      'cache-control': 'no-store',
      ...(status === 429 ? { 'retry-after': '60' } : {}),
    });
  const open = (request: Request, next: string, status = 302) => {
    const { id, session } = login.startSession();
    return redirect(next, sessionCookies(request, { id, csrf: session.csrf }, login.maxAgeMs), status);
  };
  const loggedIn = (request: Request) => {
    const id = sessionIdOf(request);
    return id !== undefined && login.session(id) !== undefined;
  };

  router.get('/login', (request) => {
    const params = new URL(request.url).searchParams;
    const next = safeNext(params.get('next'));
    const token = params.get('token');
    if (loggedIn(request)) return redirect(next);
    if (token === null) return page(next, undefined, 200);
    return login.useToken(token) ? open(request, next) : page(next, TOKEN_USED, 403);
  });

  router.post('/login', async (request) => {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return page(HOME, WRONG_PASSWORD, 400);
    }
    const next = safeNext(String(form.get('next') ?? ''));
    const password = form.get('password');
    switch (login.checkPassword(typeof password === 'string' ? password : '')) {
      case 'ok':
        return open(request, next, 303);
      case 'off':
        return page(next, PASSWORD_OFF, 403);
      case 'throttled':
        return page(next, TOO_MANY, 429);
      case 'wrong':
        return page(next, WRONG_PASSWORD, 401);
    }
  });

  router.post('/logout', (request) => {
    const id = sessionIdOf(request);
    if (id) login.endSession(id);
    return redirect('/login', clearedCookies(request), 303);
  });
}
