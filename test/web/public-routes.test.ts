import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLinkAt } from '../../src/mail/links.js';
import { classifyPath } from '../../src/web/login/public-paths.js';
import { serve } from '../../src/web/server.js';
import { lead, linkFixture, RUN_AT, WEBHOOK_SECRET } from '../links/support.js';
import { type LoggedIn, logIn } from './login-session.js';

const A = 'dana@acme-analytics.com';
const B = 'lee@acme-analytics.com';

describe('what serve answers without a login, and the headers of every response; over real HTTP', () => {
  let f: Awaited<ReturnType<typeof linkFixture>>;
  let server: Server;
  let base: string;
  let session: LoggedIn;
  const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { redirect: 'manual', ...init });

  beforeAll(async () => {
    f = await linkFixture([lead(A), lead(B)]);
    server = await serve(f.web, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    session = await logIn(`${base}/login?token=${f.loginToken()}`);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    f.close();
  });

  it('the link endpoints work with no session at all', async () => {
    const click = signLinkAt('test-secret', { kind: 'click', ref: f.refOf(B), url: 'https://example.com/guide' }, RUN_AT);
    const clicked = await get(`/c/${click}`);
    expect(clicked.status).toBe(302);
    expect(clicked.headers.get('location')).toBe('https://example.com/guide');
    const open = await get(`/o/${signLinkAt('test-secret', { kind: 'open', ref: f.refOf(B) }, RUN_AT)}`);
    expect(open.headers.get('content-type')).toBe('image/gif');
    expect(f.eventsOf(B).map((e) => e.type)).toEqual(['email_clicked', 'email_opened']);

    const unsubscribe = `/u/${signLinkAt('test-secret', { kind: 'unsubscribe', ref: f.refOf(A) }, RUN_AT)}`;
    expect(await (await get(unsubscribe)).text()).toContain('<form method="post">');
    const oneClick = await get(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(f.lead(A)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });

    expect((await get('/k/not-a-token')).status).toBe(400); // the confirmation page answers itself, no login
    expect(await (await get('/healthz')).text()).toBe('ok');
    expect((await get('/assets/review.css')).status).toBe(200);
    const webhook = await get('/webhooks/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(webhook.status).toBe(401);
    expect(await webhook.json()).toEqual({ error: 'missing or wrong webhook secret' });
    const hooked = await get('/webhooks/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` },
      body: '[]',
    });
    expect(hooked.status).toBe(200);
  });

  it('keeps everything else private by default, a route added later included', () => {
    for (const path of ['/u/x', '/c/x', '/o/x', '/k/x']) expect(classifyPath(path.split('/').filter(Boolean))).toBe('link');
    for (const path of ['/webhooks/events', '/webhooks/sendgrid/abc']) expect(classifyPath(path.split('/').filter(Boolean))).toBe('webhook');
    for (const path of ['/login', '/healthz', '/assets/review.css']) expect(classifyPath(path.split('/').filter(Boolean))).toBe('login');
    for (const path of ['/', '/report', '/u', '/u/x/y', '/webhooks', '/assets/calendar.js', '/logout', '/api/calendar/events'])
      expect(classifyPath(path.split('/').filter(Boolean)), path).toBe('private');
  });

  it('sends the security headers on every response: review pages, login, JSON, links, errors', async () => {
    const cookie = { headers: { cookie: session.cookie } };
    const responses = {
      calendar: await get('/calendar', cookie),
      lead: await get('/sequences/new-signups', cookie),
      json: await get('/api/calendar/events', cookie),
      login: await get('/login'),
      redirect: await get('/calendar'),
      denied: await get('/api/calendar/events'),
      missing: await get('/no-such-page', cookie),
      link: await get('/u/not-a-token'),
      webhook: await get('/webhooks/events', { method: 'POST', body: '[]' }),
    };
    for (const [name, response] of Object.entries(responses)) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).not.toContain('unsafe-inline');
      expect(csp, name).not.toContain('unsafe-eval');
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), name).toBe('DENY');
      expect(['no-referrer', 'same-origin'], name).toContain(response.headers.get('referrer-policy'));
    }
    expect(responses.calendar.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(responses.calendar.headers.get('referrer-policy')).toBe('same-origin');
    expect(responses.calendar.headers.get('cache-control')).toBe('no-store');
    expect(responses.json.headers.get('cache-control')).toBe('no-store');
    expect(responses.link.headers.get('referrer-policy')).toBe('no-referrer');
    expect(responses.link.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[\w+/]+='; form-action 'self'/);
  });

  it('puts no inline script on any review page: scripts come from /assets/ only', async () => {
    const cookie = { headers: { cookie: session.cookie } };
    const ref = (await (await get('/api/calendar/touches?day=2026-11-24', cookie)).json()) as { items: { ref: string }[] };
    const pages = ['/calendar', '/sequences/new-signups', '/diff', '/login', ...ref.items.slice(0, 1).map((i) => `/leads/${i.ref}`)];
    for (const path of pages) {
      const body = await (await get(path, path === '/login' ? {} : cookie)).text();
      expect(body, path).not.toMatch(/<script(?![^>]*\ssrc="\/assets\/[\w.-]+")[^>]*>/);
      expect(body, path).not.toMatch(/\son[a-z]+\s*=/i);
      expect(body, path).not.toMatch(/javascript:/i);
    }
  });
});
