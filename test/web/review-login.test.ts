import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { HOUR_MS } from '../../src/time/clock.js';
import { createWebApp } from '../../src/web/app.js';
import { BAD_CSRF, CROSS_ORIGIN, LOGIN_REQUIRED } from '../../src/web/login/gate.js';
import { PASSWORD_OFF, safeNext, TOKEN_USED, TOO_MANY, WRONG_PASSWORD } from '../../src/web/login/login-routes.js';
import { ReviewLogin } from '../../src/web/login/review-login.js';
import { serve } from '../../src/web/server.js';
import { REPO_ROOT } from '../helpers/workspace.js';
import { seededWorkspace } from '../calendar/seeded.js';
import { cookieHeader, type LoggedIn, logIn } from './login-session.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;
const PASSWORD = 'correct horse battery staple';

/** Every address and surname in the example leads: none may appear in a body served without a login. */
const LEADS = readFileSync(join(REPO_ROOT, 'examples', 'leads.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => ({ email: line.split(',')[0]!, lastName: line.split(',')[2]! }));

function expectNoLeadData(body: string) {
  for (const lead of LEADS) expect(body).not.toContain(lead.email);
  expect(body).not.toMatch(/@[\w-]+\.(?:com|de|io|org|co\.uk)/);
}

describe('the review pages need a login; over real HTTP', () => {
  let seeded: Seeded;
  let app: App;
  let server: Server;
  let base: string;
  let login: ReviewLogin;
  const used: string[] = [];
  let session: LoggedIn;
  let reviewUrls: string[];
  let leadEmail: string;

  const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { redirect: 'manual', ...init });
  const as = (s: LoggedIn, init: RequestInit = {}): RequestInit => ({ ...init, headers: { cookie: s.cookie, ...(init.headers as object) } });

  beforeAll(async () => {
    seeded = await seededWorkspace();
    app = seeded.open();
    login = new ReviewLogin({ clock: seeded.clock, password: PASSWORD, onTokenUsed: (t) => used.push(t) });
    server = await serve(createWebApp(app, { webhookSecret: 'webhook-test-secret', login }), { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    session = await logIn(`${base}/login?token=${login.newToken()}`);
    const events = (await (await get('/api/calendar/events', as(session))).json()) as { extendedProps: { day: string } }[];
    const day = events[0]!.extendedProps.day;
    const touches = (await (await get(`/api/calendar/touches?day=${day}`, as(session))).json()) as { items: { lead: string; ref: string }[] };
    leadEmail = touches.items[0]!.lead;
    reviewUrls = [
      '/calendar',
      `/leads/${touches.items[0]!.ref}`,
      '/sequences/new-signups',
      '/diff',
      `/diff?base=${encodeURIComponent(seeded.dir)}`,
      '/api/calendar/summary',
      '/api/calendar/events',
      `/api/calendar/touches?day=${day}`,
      '/assets/calendar.js',
    ];
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    app?.close();
    seeded?.cleanup();
  });

  it('with the session, every review URL answers 200 with its data', async () => {
    for (const url of reviewUrls) {
      const response = await get(url, as(session));
      expect(response.status, url).toBe(200);
    }
    expect(await (await get(reviewUrls[1]!, as(session))).text()).toContain(leadEmail);
    expect(await (await get(`/api/calendar/touches?day=${reviewUrls[7]!.slice(-10)}`, as(session))).text()).toContain(leadEmail);
  });

  it('without it, pages redirect to the login page and JSON answers 401, with no lead data in either', async () => {
    for (const url of reviewUrls) {
      const response = await get(url);
      const body = await response.text();
      expectNoLeadData(body);
      if (url.startsWith('/api/')) {
        expect(response.status, url).toBe(401);
        expect(JSON.parse(body)).toEqual({ error: LOGIN_REQUIRED });
      } else {
        expect(response.status, url).toBe(302);
        expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(url)}`);
      }
    }
    // A page asked for as JSON, and a route nobody registered, are closed the same way.
    expect((await get(reviewUrls[1]!, { headers: { accept: 'application/json' } })).status).toBe(401);
    expect((await get('/no-such-page')).headers.get('location')).toBe('/login?next=%2Fno-such-page');
    const loginPage = await (await get('/login?next=%2Fcalendar')).text();
    expect(loginPage).toContain('<input type="password" name="password"');
    expectNoLeadData(loginPage);
  });

  it('a forged, tampered or expired session cookie opens nothing', async () => {
    const id = /nurture_session=([^;]+)/.exec(session.cookie)![1]!;
    const flipped = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
    for (const cookie of [
      'nurture_session=forged',
      `nurture_session=${flipped}`,
      `nurture_session=${session.csrf}`,
      `nurture_csrf=${session.csrf}`,
      `__Host-nurture_session=${flipped}`,
    ]) {
      const response = await get('/api/calendar/events', { headers: { cookie } });
      expect(response.status, cookie).toBe(401);
      expectNoLeadData(await response.text());
    }
    const short = await logIn(`${base}/login?token=${login.newToken()}`);
    expect((await get('/calendar', as(short))).status).toBe(200);
    seeded.clock.advance(12 * HOUR_MS); // idle for the whole idle limit
    expect((await get('/calendar', as(short))).status).toBe(302);
    seeded.clock.advance(-12 * HOUR_MS);
  });

  it('a login URL works once; the next one is handed out', async () => {
    const token = login.newToken();
    const first = await get(`/login?token=${token}&next=${encodeURIComponent('/sequences/new-signups')}`);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/sequences/new-signups');
    const cookies = first.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^nurture_session=[\w-]{43}; Path=\/; Max-Age=604800; SameSite=Strict; HttpOnly$/);
    expect(cookies[1]).toMatch(/^nurture_csrf=[\w-]{43}; Path=\/; Max-Age=604800; SameSite=Strict$/);
    const again = await get(`/login?token=${token}`);
    expect(again.status).toBe(403);
    expect(await again.text()).toContain(TOKEN_USED);
    const next = used.at(-1)!;
    expect((await get(`/login?token=${next}`)).status).toBe(302);
    expect((await get('/login?token=made-up')).status).toBe(403);
  });

  it('behind an HTTPS proxy the cookies are Secure and __Host- prefixed', async () => {
    const response = await get(`/login?token=${login.newToken()}`, { headers: { 'x-forwarded-proto': 'https' } });
    const [sessionCookie, csrfCookie] = response.headers.getSetCookie();
    expect(sessionCookie).toMatch(/^__Host-nurture_session=[\w-]{43}; Path=\/; Max-Age=604800; SameSite=Strict; HttpOnly; Secure$/);
    expect(csrfCookie).toMatch(/^__Host-nurture_csrf=[\w-]{43}; .*; Secure$/);
    expect((await get('/calendar', { headers: { cookie: cookieHeader(response) } })).status).toBe(200);
  });

  it('logs in with the password form, refuses a wrong one, and slows down guessing', async () => {
    const form = (password: string, next = '/diff') =>
      get('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ password, next }).toString(),
      });
    const ok = await form(PASSWORD);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/diff');
    expect((await get('/diff', { headers: { cookie: cookieHeader(ok) } })).status).toBe(200);
    const wrong = await form('guess');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain(WRONG_PASSWORD);
    for (let i = 1; i < 10; i++) expect((await form(`guess ${i}`)).status).toBe(401);
    const throttled = await form(PASSWORD);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('60');
    expect(await throttled.text()).toContain(TOO_MANY);
    seeded.clock.advance(61_000);
    expect((await form(PASSWORD)).status).toBe(303);
    const offLogin = new ReviewLogin({ clock: seeded.clock });
    expect(offLogin.checkPassword(PASSWORD)).toBe('off');
    expect(PASSWORD_OFF).toContain('NURTURE_SERVE_PASSWORD');
    const crossSite = await get('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ password: PASSWORD }).toString(),
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toEqual({ error: CROSS_ORIGIN });
  });

  it('sends the browser only to a path of this server after login', () => {
    expect(safeNext('/leads/abc?x=1')).toBe('/leads/abc?x=1');
    for (const bad of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'calendar', '/login?token=x', '', null])
      expect(safeNext(bad)).toBe('/calendar');
  });

  it('a state-changing request needs the CSRF token and our own origin', async () => {
    const s = await logIn(`${base}/login?token=${login.newToken()}`);
    const logout = (headers: Record<string, string>, body?: string) =>
      get('/logout', as(s, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body }));
    const noToken = await logout({ origin: base });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toEqual({ error: BAD_CSRF });
    expect((await logout({ origin: base }, '_csrf=wrong')).status).toBe(403);
    const crossSite = await logout({ origin: 'https://evil.example', 'x-csrf-token': s.csrf });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toEqual({ error: CROSS_ORIGIN });
    expect((await logout({ origin: 'null', 'x-csrf-token': s.csrf })).status).toBe(403);
    expect((await get('/calendar', as(s))).status).toBe(200); // none of those logged out
    // Behind a proxy the browser names the public host; the proxy says which one it forwarded.
    const viaProxy = await logout({ origin: 'https://review.example.com', 'x-forwarded-host': 'review.example.com' }, `_csrf=${s.csrf}`);
    expect(viaProxy.status).toBe(303);
    expect(viaProxy.headers.get('location')).toBe('/login');
    expect(viaProxy.headers.getSetCookie()[0]).toMatch(/^nurture_session=; Path=\/; Max-Age=0;/);
    expect((await get('/calendar', as(s))).status).toBe(302);
  });

  it('refuses a plan diff base outside the workspace, and anything that is not a ref name', async () => {
    const cases: [string, string][] = [
      ['../../etc', 'base "../../etc" is outside the workspace: the review pages compare only with a directory inside it or a git ref of its repository (e.g. HEAD~1)'],
      ['/etc', 'base "/etc" is outside the workspace'],
      ['--output=/tmp/x', 'base "--output=/tmp/x" is neither a directory inside the workspace nor a git ref name (e.g. main, v1.2, HEAD~1)'],
      ['HEAD..main', 'nor a git ref name'],
      ['main@{yesterday}', 'nor a git ref name'],
      ['no-such-ref', 'base "no-such-ref" is neither a directory nor a git ref of the repository holding the workspace'],
    ];
    for (const [bad, message] of cases) {
      const response = await get(`/diff?base=${encodeURIComponent(bad)}`, as(session));
      expect(response.status, bad).toBe(400);
      expect(await response.text()).toContain(message.replaceAll('"', '&quot;'));
    }
    symlinkSync('/etc', join(seeded.dir, 'elsewhere'));
    const link = await get('/diff?base=elsewhere', as(session));
    expect(link.status).toBe(400);
    expect(await link.text()).toContain('base &quot;elsewhere&quot; is outside the workspace');

    const inside = await get('/diff?base=.', as(session));
    expect(await inside.text()).toContain('<strong id="leads-changed">0</strong>');
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', seeded.dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { stdio: 'ignore' });
    writeFileSync(join(seeded.dir, '.gitignore'), '.nurture/\nelsewhere\n');
    git('init', '-q');
    git('add', 'nurture.yaml', 'sequences', 'templates');
    git('commit', '-q', '-m', 'workspace');
    const atHead = await get('/diff?base=HEAD', as(session));
    expect(atHead.status).toBe(200);
    expect(await atHead.text()).toContain('<strong id="leads-changed">0</strong>');
  });
});
