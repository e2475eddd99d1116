import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATER, serveFixture } from './support.js';

const [A, B, C, D, E] = ['ari@acme-analytics.com', 'bo@acme-analytics.com', 'cy@acme-analytics.com', 'di@acme-analytics.com', 'ed@acme-analytics.com'];
const SIGNING_KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';

/** The `signature` block Mailgun adds to every webhook: HMAC-SHA256 of timestamp + token. */
function signature(key = SIGNING_KEY, timestamp = String(Math.floor(LATER / 1000))) {
  const token = randomBytes(25).toString('hex');
  return { timestamp, token, signature: createHmac('sha256', key).update(timestamp + token).digest('hex') };
}

/** A webhook in the shape of Mailgun's documentation (JSON, one event per request). */
function webhook(eventData: Record<string, unknown>, sig = signature()) {
  return JSON.stringify({ signature: sig, 'event-data': eventData });
}

describe('Mailgun webhooks, over real HTTP to nurture serve', () => {
  let f: Awaited<ReturnType<typeof serveFixture>>;
  const t = LATER / 1000 - 300.25;
  const bareId = (email: string) => f.messageIdOf(email).replace(/^<|>$/g, '');
  const failed = (email: string, severity: string, id: string) => ({
    event: 'failed',
    severity,
    id,
    timestamp: t,
    'log-level': severity === 'permanent' ? 'error' : 'warn',
    reason: severity === 'permanent' ? 'bounce' : 'generic',
    recipient: email,
    'recipient-domain': 'acme-analytics.com',
    'delivery-status': {
      'attempt-no': 1,
      code: severity === 'permanent' ? 550 : 452,
      'enhanced-code': severity === 'permanent' ? '5.1.1' : '4.2.2',
      message: severity === 'permanent' ? '5.1.1 The email account that you tried to reach does not exist' : '4.2.2 Mailbox full',
      description: '',
    },
    // Mailgun reports the Message-ID header without its angle brackets.
    message: { headers: { to: email, 'message-id': bareId(email), from: 'maya@tidewater.example', subject: 'Hello' }, attachments: [], size: 4000 },
    flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
  });

  beforeAll(async () => {
    f = await serveFixture([A, B, C, D, E], 'webhooks:\n  mailgun: { signingKey: file:.mailgun-key }', {}, { '.mailgun-key': `${SIGNING_KEY}\n` });
  });
  afterAll(() => f.stop());

  it('refuses a missing, tampered, wrongly keyed, stale or replayed signature, and stores nothing', async () => {
    const body = failed(A, 'permanent', 'mg-fail-a');
    const before = f.eventCount();
    const none = await f.post('/webhooks/mailgun', JSON.stringify({ 'event-data': body }));
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'missing the "signature" object Mailgun signs every webhook with' });
    const good = signature();
    const tampered = { ...good, signature: good.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) };
    const forged = await f.post('/webhooks/mailgun', webhook(body, tampered));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'the Mailgun signature does not match the signing key' });
    expect((await f.post('/webhooks/mailgun', webhook(body, signature('key-someone-else')))).status).toBe(401);
    const stale = await f.post('/webhooks/mailgun', webhook(body, signature(SIGNING_KEY, String(Math.floor(LATER / 1000) - 3600))));
    expect(stale.status).toBe(401);
    expect(f.eventCount()).toBe(before);
    expect(f.lead(A).suppressed).toBeNull();

    expect((await f.post('/webhooks/mailgun', webhook(body, good))).status).toBe(200);
    const replayed = await f.post('/webhooks/mailgun', webhook(failed(B, 'permanent', 'mg-other'), good));
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toEqual({ error: 'this Mailgun token was already used: a replay' });
    expect(f.lead(B).suppressed).toBeNull();
  });

  it('suppresses on a permanent failure, tied to our send by the message-id header', () => {
    expect(f.lead(A).suppressed).toBe('bounced');
    const send = f.sendOf(A);
    expect(f.events(A)).toMatchObject([
      {
        type: 'bounced',
        occurredAt: Math.round(t * 1000),
        properties: { provider: 'mailgun', bounceType: 'hard', code: '550', status: '5.1.1', matchedBy: 'message-id', send: String(send.id), messageId: f.messageIdOf(A) },
      },
    ]);
  });

  it('records a temporary failure as a soft bounce that suppresses nothing', async () => {
    const response = await f.post('/webhooks/mailgun', webhook(failed(B, 'temporary', 'mg-temp-b')));
    expect(await response.json()).toMatchObject({ stored: 1, matched: 1, rejected: [] });
    expect(f.lead(B).suppressed).toBeNull();
    expect(f.events(B)).toMatchObject([{ type: 'soft_bounced', properties: { bounceType: 'soft', status: '4.2.2' } }]);
  });

  it('suppresses on a complaint and an unsubscribe, and keeps client-info.bot on a click', async () => {
    const common = { timestamp: t, message: { headers: { 'message-id': bareId(C) } } };
    expect((await f.post('/webhooks/mailgun', webhook({ ...common, event: 'complained', id: 'mg-c', recipient: C }))).status).toBe(200);
    expect((await f.post('/webhooks/mailgun', webhook({ ...common, event: 'unsubscribed', id: 'mg-d', recipient: D }))).status).toBe(200);
    const click = { ...common, event: 'clicked', id: 'mg-e', recipient: E, url: 'https://tidewater.example/pricing', 'client-info': { 'client-type': 'browser', bot: 'google' }, ip: '198.51.100.7' };
    expect((await f.post('/webhooks/mailgun', webhook(click))).status).toBe(200);
    expect(f.lead(C).suppressed).toBe('complained');
    expect(f.lead(D)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });
    const [clicked] = f.events(E);
    // C's Message-ID does not belong to E: the click is tied to E's own last send instead.
    expect(clicked).toMatchObject({ type: 'email_clicked', properties: { bot: 'google', matchedBy: 'recipient-time', send: String(f.sendOf(E).id) } });
    expect(JSON.stringify(clicked)).not.toContain('198.51.100.7');
    expect(f.signals(E)).toEqual([{ type: 'email_clicked', signal: 'human', reason: 'Mailgun: Gmail image proxy (client-info.bot: google) fetches when the reader opens' }]);
  });

  it("classifies an open Mailgun names Apple's bot as a machine, and keeps the reader's user agent", async () => {
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const open = (id: string, bot: string, at: number) => webhook({ event: 'opened', id, timestamp: at, recipient: A, 'client-info': { 'client-type': 'browser', 'user-agent': ua, bot } });
    expect((await f.post('/webhooks/mailgun', open('mg-open-apple', 'apple', t + 100))).status).toBe(200);
    expect((await f.post('/webhooks/mailgun', open('mg-open-person', '', t + 200))).status).toBe(200);
    expect(f.signals(A)).toEqual([
      { type: 'email_opened', signal: 'machine', reason: 'Mailgun flagged a bot (client-info.bot: apple)' },
      { type: 'email_opened', signal: 'human', reason: 'opened by a person (no machine pattern)' },
    ]);
    expect(f.events(A).filter((e) => e.type === 'email_opened')[1]!.properties).toMatchObject({ provider: 'mailgun', ua });
  });

  it('answers 200 to an event it does not record, and reports a malformed one without storing it', async () => {
    const delivered = await f.post('/webhooks/mailgun', webhook({ event: 'delivered', id: 'mg-del', timestamp: t, recipient: A }));
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toMatchObject({ stored: 0, ignored: [{ item: '1', reason: 'event "delivered" is not recorded' }] });
    const bad = await f.post('/webhooks/mailgun', webhook({ event: 'failed', severity: 'permanent', id: 'mg-bad', timestamp: 'yesterday', recipient: B }));
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({ stored: 0, rejected: [{ item: '1', reason: 'event-data.timestamp: "yesterday" is not a Unix time' }] });
    expect(f.lead(B).suppressed).toBeNull();
  });
});
