import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATER, serveFixture } from './support.js';

const [A, B, C, D, E] = ['ari@acme-analytics.com', 'bo@acme-analytics.com', 'cy@acme-analytics.com', 'di@acme-analytics.com', 'ed@acme-analytics.com'];
const STRANGER = 'nobody@elsewhere.example';

const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
/** SendGrid shows its verification key as base64 DER (SubjectPublicKeyInfo). */
const VERIFICATION_KEY = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

function signed(body: string, privateKey = keys.privateKey, timestamp = String(Math.floor(LATER / 1000))) {
  return {
    'x-twilio-email-event-webhook-timestamp': timestamp,
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64'),
  };
}

describe('SendGrid signed event webhook, over real HTTP to nurture serve', () => {
  let f: Awaited<ReturnType<typeof serveFixture>>;
  let batch: string;
  const t = Math.floor(LATER / 1000) - 600;

  beforeAll(async () => {
    f = await serveFixture([A, B, C, D, E], 'webhooks:\n  sendgrid: { publicKey: env:SENDGRID_VERIFICATION_KEY }', { SENDGRID_VERIFICATION_KEY: VERIFICATION_KEY });
    // A batch in the shape of SendGrid's event webhook documentation.
    batch = JSON.stringify([
      { email: A, timestamp: t, 'smtp-id': f.messageIdOf(A), event: 'bounce', category: ['nurture'], sg_event_id: 'sg-bounce-a', sg_message_id: 'sgm-a.filter0001', reason: '550 5.1.1 The email account that you tried to reach does not exist', status: '5.1.1', type: 'bounce', bounce_classification: 'Invalid Address' },
      { email: B, timestamp: t, 'smtp-id': f.messageIdOf(B), event: 'bounce', sg_event_id: 'sg-blocked-b', sg_message_id: 'sgm-b', reason: '421 4.7.0 Try again later', status: '4.7.0', type: 'blocked', bounce_classification: 'Reputation' },
      { email: C, timestamp: t, event: 'open', sg_event_id: 'sg-open-c', sg_message_id: 'sgm-c', sg_machine_open: true, useragent: 'Mozilla/5.0', ip: '203.0.113.9' },
      { email: C, timestamp: t + 5, event: 'click', sg_event_id: 'sg-click-c', sg_message_id: 'sgm-c', url: 'https://tidewater.example/pricing', useragent: 'Mozilla/5.0', ip: '203.0.113.9' },
      { email: D, timestamp: t, 'smtp-id': f.messageIdOf(D), event: 'spamreport', sg_event_id: 'sg-spam-d', sg_message_id: 'sgm-d' },
      { timestamp: t, event: 'bounce', sg_event_id: 'sg-no-email', type: 'bounce' },
      { email: E, timestamp: t, event: 'group_unsubscribe', sg_event_id: 'sg-unsub-e', sg_message_id: 'sgm-e', asm_group_id: 42 },
      { email: A, timestamp: t, event: 'delivered', sg_event_id: 'sg-delivered-a', response: '250 OK' },
      { email: STRANGER, timestamp: t, event: 'dropped', sg_event_id: 'sg-dropped-x', reason: 'Bounced Address' },
    ]);
  });
  afterAll(() => f.stop());

  it('refuses an unsigned batch, a tampered one, one signed with another key and a stale one, and stores nothing', async () => {
    const before = f.eventCount();
    const unsigned = await f.post('/webhooks/sendgrid', batch);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({
      error: 'missing the X-Twilio-Email-Event-Webhook-Signature and -Timestamp headers (is "Signed Event Webhook" on?)',
    });
    const tampered = batch.replace('"type":"blocked"', '"type":"bounce"');
    expect(tampered).not.toBe(batch);
    const forged = await f.post('/webhooks/sendgrid', tampered, signed(batch));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'the SendGrid signature does not match the verification key' });
    expect((await f.post('/webhooks/sendgrid', batch, signed(batch, other.privateKey))).status).toBe(401);
    const stale = await f.post('/webhooks/sendgrid', batch, signed(batch, keys.privateKey, String(Math.floor(LATER / 1000) - 3600)));
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: string }).error).toBe(
      'timestamp 2026-11-24T15:00:00.000Z is more than 10 minutes from now: a replay or a clock problem',
    );
    expect(f.eventCount()).toBe(before);
    expect([A, B, C, D, E].map((x) => f.lead(x).suppressed)).toEqual([null, null, null, null, null]);
  });

  it('stores a signed batch, answers 200, and reports the bad item, the ignored and the unknown address', async () => {
    const response = await f.post('/webhooks/sendgrid', batch, signed(batch));
    expect(response.status).toBe(200);
    const report = (await response.json()) as Record<string, unknown>;
    expect(report).toMatchObject({
      provider: 'sendgrid',
      received: 9,
      stored: 6,
      duplicates: 0,
      rejected: [{ item: '6', reason: 'email: null is not an address' }],
      ignored: [{ item: '8', reason: 'event "delivered" is not recorded' }],
      quarantined: [{ item: '9', reason: `email: no lead with address ${STRANGER} (kept in quarantine until a leads import adds it)` }],
    });
    expect(f.stderr.some((l) => /sendgrid webhook \w+ item 6 rejected: email: null is not an address/.test(l))).toBe(true);
    expect(f.quarantined()).toEqual([{ email: STRANGER, type: 'bounced' }]);
  });

  it('suppresses on a hard bounce, tied to our send by its Message-ID', () => {
    expect(f.lead(A).suppressed).toBe('bounced');
    const [bounce] = f.events(A);
    const send = f.sendOf(A);
    expect(bounce).toMatchObject({
      type: 'bounced',
      occurredAt: LATER - 600_000,
      properties: { provider: 'sendgrid', bounceType: 'hard', status: '5.1.1', send: String(send.id), sequence: send.sequence, step: send.step, matchedBy: 'message-id', messageId: f.messageIdOf(A) },
    });
    expect(bounce!.source).toMatch(/^sendgrid webhook \w+ item line 1$/);
  });

  it('records a blocked message as a soft bounce and leaves the lead mailable', () => {
    expect(f.lead(B)).toEqual({ consent: 'confirmed', suppressed: null });
    expect(f.events(B)).toMatchObject([{ type: 'soft_bounced', properties: { bounceType: 'soft', status: '4.7.0', matchedBy: 'message-id' } }]);
  });

  it('keeps sg_machine_open with the open, the URL with the click, and stores no IP address', () => {
    const events = f.events(C);
    expect(events.map((e) => e.type)).toEqual(['email_opened', 'email_clicked']);
    expect(events[0]!.properties).toMatchObject({ machineOpen: 'true', matchedBy: 'recipient-time', send: String(f.sendOf(C).id) });
    expect(JSON.stringify(events)).not.toContain('203.0.113.9');
    // SendGrid's flag decides the open; the click, with no flag and no agent pattern, is a person.
    expect(f.signals(C)).toEqual([
      { type: 'email_opened', signal: 'machine', reason: 'SendGrid flagged a machine open (sg_machine_open)' },
      { type: 'email_clicked', signal: 'human', reason: 'clicked by a person (no machine pattern)' },
    ]);
    const click = f.db.prepare("SELECT url FROM events WHERE type = 'email_clicked'").get() as { url: string };
    expect(click.url).toBe('https://tidewater.example/pricing');
  });

  it('suppresses on a spam report and a group unsubscribe, logging the unsubscribe as a consent change', async () => {
    expect(f.lead(D)).toEqual({ consent: 'confirmed', suppressed: 'complained' });
    expect(f.lead(E)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });
    const explain = JSON.parse((await f.cli('explain', E, '--json')).stdout) as { consentLog: { consent: string }[] };
    expect(explain.consentLog.at(-1)).toMatchObject({ consent: 'unsubscribed' });
  });

  it('stores a replayed batch once', async () => {
    const before = f.eventCount();
    const replay = await f.post('/webhooks/sendgrid', batch, signed(batch));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ stored: 0, duplicates: 6 });
    expect(f.eventCount()).toBe(before);
  });

  it('no longer sends to the suppressed leads, and still sends to the soft-bounced one', async () => {
    f.clock.set(LATER + 3 * 86_400_000);
    const run = JSON.parse((await f.cli('run', '--json')).stdout) as { sent: { lead: string }[] };
    const sentTo = new Set(run.sent.map((s) => s.lead));
    for (const x of [A, D, E]) expect(sentTo.has(x)).toBe(false);
    expect(sentTo.has(B)).toBe(true);
  });

  it('answers 404 for a provider that is not set up', async () => {
    const response = await f.post('/webhooks/mailgun', '{}');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'mailgun webhooks are not set up: add webhooks.mailgun to nurture.yaml' });
  });
});
