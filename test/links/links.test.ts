import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLink, signLinkAt } from '../../src/mail/links.js';
import { lead, linkFixture, RUN_AT } from './support.js';

const SECRET = 'test-secret';
const A = 'dana@acme-analytics.com';
const B = 'lee@acme-analytics.com';

describe('the email link endpoints, in process', () => {
  let f: Awaited<ReturnType<typeof linkFixture>>;
  beforeAll(async () => {
    f = await linkFixture([lead(A), lead(B)]);
  });
  afterAll(() => f.close());

  it('shows a button on GET and changes nothing (mail scanners follow links)', async () => {
    const token = signLinkAt(SECRET, { kind: 'unsubscribe', ref: f.refOf(A) }, RUN_AT);
    const response = await f.request(`/u/${token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form method="post">');
    expect(f.lead(A).suppressed).toBeNull();
  });

  it('unsubscribes at once on a one-click POST with no cookies, and logs the evidence', async () => {
    const token = signLinkAt(SECRET, { kind: 'unsubscribe', ref: f.refOf(A) }, RUN_AT);
    const response = await f.request(`/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(f.lead(A)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });
    expect(f.eventsOf(A).map((e) => e.type)).toContain('unsubscribed');
    const explain = JSON.parse((await f.cli('explain', A, '--json')).stdout) as { consentLog: { consent: string; evidence: string }[] };
    expect(explain.consentLog.at(-1)).toMatchObject({ consent: 'unsubscribed', evidence: expect.stringContaining('one-click unsubscribe link') });
  });

  it('sends nothing more to the unsubscribed lead in later runs', async () => {
    f.clock.set(RUN_AT + 10 * 24 * 3_600_000);
    const run = JSON.parse((await f.cli('run', '--json')).stdout) as { sent: { lead: string }[] };
    expect(run.sent.map((s) => s.lead)).not.toContain(A);
    f.clock.set(RUN_AT);
  });

  it('answers a tampered token with 400 and changes nothing', async () => {
    const token = signLinkAt(SECRET, { kind: 'unsubscribe', ref: f.refOf(B) }, RUN_AT);
    const [body, mac] = token.split('.');
    const tampered = `${body!.slice(0, -2)}${body!.endsWith('A') ? 'B' : 'A'}${body!.slice(-1)}.${mac}`;
    for (const path of [`/u/${tampered}`, `/u/${token}x`, `/u/${body}`, '/u/not-a-token']) {
      const response = await f.request(path, { method: 'POST' });
      expect(response.status, path).toBe(400);
    }
    const forged = signLink('another-secret', { kind: 'unsubscribe', ref: f.refOf(B) });
    expect((await f.request(`/u/${forged}`, { method: 'POST' })).status).toBe(400);
    expect(f.lead(B).suppressed).toBeNull();
  });

  it('gives a touch its ref when it is claimed, so a planned touch resolves no link', async () => {
    const rows = f.db
      .prepare('SELECT s.status, s.ref FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ? ORDER BY s.id')
      .all(B) as { status: string; ref: string }[];
    expect(rows.find((r) => r.status === 'sent')?.ref).toMatch(/^[0-9a-f]{24}$/);
    expect(rows.filter((r) => r.status === 'planned').map((r) => r.ref)).toEqual(['']);
    // Even a genuinely signed token for the empty ref finds no lead.
    const token = signLinkAt(SECRET, { kind: 'unsubscribe', ref: '' }, RUN_AT);
    expect((await f.request(`/u/${token}`, { method: 'POST' })).status).toBe(404);
    expect(f.lead(B).suppressed).toBeNull();
  });

  it('answers an expired token with 410 and changes nothing', async () => {
    const expired = signLink(SECRET, { kind: 'unsubscribe', ref: f.refOf(B), expiresAt: Math.floor(RUN_AT / 1000) - 1 });
    const response = await f.request(`/u/${expired}`, { method: 'POST' });
    expect(response.status).toBe(410);
    expect(f.lead(B).suppressed).toBeNull();
  });

  it('redirects a click only to the URL inside the signed token, and records it', async () => {
    const token = signLinkAt(SECRET, { kind: 'click', ref: f.refOf(B), url: 'https://tidewater.example/roi' }, RUN_AT);
    const response = await f.request(`/c/${token}?url=https://evil.example/&next=https://evil.example/`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://tidewater.example/roi');
    expect(f.eventsOf(B)).toContainEqual({ type: 'email_clicked', url: 'https://tidewater.example/roi' });
  });

  it('refuses an open redirect: a forged click token or a non-http destination', async () => {
    const forged = signLink('guessed', { kind: 'click', ref: f.refOf(B), url: 'https://evil.example/' });
    expect((await f.request(`/c/${forged}`)).status).toBe(400);
    const script = signLinkAt(SECRET, { kind: 'click', ref: f.refOf(B), url: 'javascript:alert(1)' }, RUN_AT);
    const response = await f.request(`/c/${script}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a token of one kind used as another (an open token cannot unsubscribe)', async () => {
    const open = signLinkAt(SECRET, { kind: 'open', ref: f.refOf(B) }, RUN_AT);
    expect((await f.request(`/u/${open}`, { method: 'POST' })).status).toBe(400);
    expect(f.lead(B).suppressed).toBeNull();
  });

  it('records an open from the pixel and always answers with a GIF', async () => {
    const open = signLinkAt(SECRET, { kind: 'open', ref: f.refOf(B) }, RUN_AT);
    const response = await f.request(`/o/${open}`);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(f.eventsOf(B).map((e) => e.type)).toContain('email_opened');
    expect((await f.request('/o/garbage')).status).toBe(200);
  });

  it('keeps lead ids and addresses out of every link in a sent message', async () => {
    const preview = JSON.parse((await f.cli('preview', 'evaluators', 'roi', '--lead', B, '--json')).stdout) as { html: string; headers: Record<string, string> };
    const links = [...preview.html.matchAll(/http:\/\/127\.0\.0\.1:8787\/[a-z]\/([\w.-]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(2);
    for (const token of links) {
      const decoded = Buffer.from(token.split('.')[0]!, 'base64url').toString();
      expect(decoded).not.toContain('acme-analytics');
      expect(decoded).not.toMatch(/"\d{1,6}"/);
    }
    expect(preview.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });
});
