import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixture } from './support.js';

const [A, B, C, D, E, F] = ['ari@acme-analytics.com', 'bo@acme-analytics.com', 'cy@acme-analytics.com', 'di@acme-analytics.com', 'ed@acme-analytics.com', 'flo@acme-analytics.com'];
const SECRET = 'pm-7c1e0b3a9f';
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** Records in the shape of Postmark's webhook documentation. */
const bounce = (email: string, type: string, id: number) =>
  JSON.stringify({
    RecordType: 'Bounce',
    MessageStream: 'outbound',
    ID: id,
    Type: type,
    TypeCode: type === 'HardBounce' ? 1 : 4096,
    Name: type === 'HardBounce' ? 'Hard bounce' : 'Soft bounce',
    Tag: 'nurture',
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Metadata: {},
    ServerID: 23,
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: type === 'HardBounce' ? 'smtp;550 5.1.1 The email account that you tried to reach does not exist' : 'smtp;452 4.2.2 Mailbox full',
    Email: email,
    From: 'maya@tidewater.example',
    BouncedAt: '2026-11-24T15:50:00.9070259Z',
    DumpAvailable: true,
    Inactive: type === 'HardBounce',
    CanActivate: true,
    Subject: 'Hello',
  });

/** Open and Click records in the shape of Postmark's webhook documentation (Geo and IP included: never stored). */
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const tracking = (record: 'Open' | 'Click', userAgent: string, receivedAt: string, link = '') =>
  JSON.stringify({
    RecordType: record,
    MessageStream: 'outbound',
    ...(record === 'Open' ? { FirstOpen: true, ReadSeconds: 5 } : { ClickLocation: 'HTML', OriginalLink: link }),
    Client: { Name: 'Chrome 131.0', Company: 'Google', Family: 'Chrome' },
    OS: { Name: 'Windows 10', Company: 'Microsoft Corporation', Family: 'Windows' },
    Platform: 'Desktop',
    UserAgent: userAgent,
    Geo: { CountryISOCode: 'DE', Country: 'Germany', City: 'Berlin', IP: '203.0.113.77' },
    MessageID: '6a4b2e1c-93d0-4b8f-a1e5-0c7d9f2b3a41',
    Metadata: {},
    ReceivedAt: receivedAt,
    Tag: 'nurture',
    Recipient: F,
  });

describe('Postmark webhooks (Basic auth or a secret in the URL), over real HTTP to nurture serve', () => {
  let f: Awaited<ReturnType<typeof serveFixture>>;
  beforeAll(async () => {
    f = await serveFixture([A, B, C, D, E, F], 'webhooks:\n  postmark: { secret: env:POSTMARK_WEBHOOK_SECRET, user: postmark }', { POSTMARK_WEBHOOK_SECRET: SECRET });
  });
  afterAll(() => f.stop());

  it('refuses a request without credentials, with a wrong password, a wrong user or a wrong URL secret, and stores nothing', async () => {
    const body = bounce(A, 'HardBounce', 1001);
    const none = await f.post('/webhooks/postmark', body);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'missing credentials: put the secret at the end of the URL or use HTTP Basic auth' });
    const wrong = await f.post('/webhooks/postmark', body, basic('postmark', 'guess'));
    expect(await wrong.json()).toEqual({ error: 'wrong Basic auth credentials' });
    expect((await f.post('/webhooks/postmark', body, basic('someone', SECRET))).status).toBe(401);
    const url = await f.post('/webhooks/postmark/not-the-secret', body);
    expect(url.status).toBe(401);
    expect(await url.json()).toEqual({ error: 'wrong secret in the webhook URL' });
    expect(f.eventCount()).toBe(0);
  });

  it('suppresses on a hard bounce, matched to our send by recipient and time', async () => {
    const response = await f.post('/webhooks/postmark', bounce(A, 'HardBounce', 1001), basic('postmark', SECRET));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ provider: 'postmark', received: 1, stored: 1, matched: 1 });
    expect(f.lead(A).suppressed).toBe('bounced');
    expect(f.events(A)).toMatchObject([
      {
        type: 'bounced',
        occurredAt: Date.parse('2026-11-24T15:50:00.907Z'),
        properties: { provider: 'postmark', bounceType: 'hard', postmarkType: 'HardBounce', postmarkMessageId: '883953f4-6105-42a2-a16a-77a8eac79483', matchedBy: 'recipient-time', send: String(f.sendOf(A).id) },
      },
    ]);
  });

  it('records a soft bounce without suppressing, through the secret in the URL', async () => {
    const response = await f.post(`/webhooks/postmark/${SECRET}`, bounce(B, 'SoftBounce', 1002));
    expect(response.status).toBe(200);
    expect(f.lead(B).suppressed).toBeNull();
    expect(f.events(B)).toMatchObject([{ type: 'soft_bounced', properties: { bounceType: 'soft', postmarkType: 'SoftBounce' } }]);
  });

  it('suppresses on a spam complaint and on a subscription change, and never resubscribes on a reactivation', async () => {
    const complaint = JSON.parse(bounce(C, 'SpamComplaint', 1003)) as Record<string, unknown>;
    complaint.RecordType = 'SpamComplaint';
    complaint.TypeCode = 512;
    expect((await f.post(`/webhooks/postmark/${SECRET}`, JSON.stringify(complaint))).status).toBe(200);
    expect(f.lead(C).suppressed).toBe('complained');

    const change = (suppress: boolean, reason: string | null, at: string) =>
      JSON.stringify({
        RecordType: 'SubscriptionChange',
        MessageID: suppress ? '883953f4-6105-42a2-a16a-77a8eac79483' : null,
        ServerID: 123456,
        MessageStream: 'outbound',
        ChangedAt: at,
        Recipient: D,
        Origin: suppress ? 'Recipient' : 'Customer',
        SuppressSending: suppress,
        SuppressionReason: reason,
        Tag: suppress ? 'nurture' : null,
        Metadata: {},
      });
    expect((await f.post(`/webhooks/postmark/${SECRET}`, change(true, 'ManualSuppression', '2026-11-24T15:40:34.416071Z'))).status).toBe(200);
    expect(f.lead(D)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });
    const reactivated = await f.post(`/webhooks/postmark/${SECRET}`, change(false, null, '2026-11-24T15:45:00Z'));
    expect(reactivated.status).toBe(200);
    expect(await reactivated.json()).toMatchObject({
      stored: 0,
      ignored: [{ item: '1', reason: `reactivation of ${D} in Postmark: only a new opt-in resubscribes a lead` }],
    });
    expect(f.lead(D)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });
  });

  it('reports a malformed record with 200 (a retry would not fix it) and a body that is not JSON with 400', async () => {
    const bad = await f.post(`/webhooks/postmark/${SECRET}`, JSON.stringify({ RecordType: 'Bounce', ID: 9, Type: 'HardBounce', Email: E, BouncedAt: 'last Tuesday' }));
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({ stored: 0, rejected: [{ item: '1', reason: 'BouncedAt: "last Tuesday" is not an ISO 8601 date-time' }] });
    expect(f.lead(E).suppressed).toBeNull();
    const garbage = await f.post(`/webhooks/postmark/${SECRET}`, 'RecordType=Bounce');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: 'the body is not JSON' });
  });

  it("records opens and clicks with the reader's user agent, classified: Apple's proxy a machine, Gmail's proxy and a browser people, a gateway's scan a machine", async () => {
    const posts = [
      tracking('Open', 'Mozilla/5.0', '2026-11-24T15:51:02.1200000Z'),
      tracking('Open', GMAIL_PROXY, '2026-11-24T15:53:10Z'),
      tracking('Click', 'Mimecast Security Scanner/2.0', '2026-11-24T15:53:40Z', 'https://tidewater.example/pricing'),
      tracking('Click', CHROME, '2026-11-24T15:54:12Z', 'https://tidewater.example/pricing'),
    ];
    for (const body of posts) {
      const response = await f.post(`/webhooks/postmark/${SECRET}`, body);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ stored: 1 });
    }
    // Postmark retries: the same record again is a duplicate, not a second click.
    expect(await (await f.post(`/webhooks/postmark/${SECRET}`, posts[3]!)).json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(f.signals(F)).toEqual([
      { type: 'email_opened', signal: 'machine', reason: 'Apple Mail Privacy Protection proxy (fetches every image, read or not)' },
      { type: 'email_opened', signal: 'human', reason: 'Gmail image proxy (fetches when the reader opens)' },
      { type: 'email_clicked', signal: 'machine', reason: 'link scanner: Mimecast user agent' },
      { type: 'email_clicked', signal: 'human', reason: 'clicked by a person (no machine pattern)' },
    ]);
    const events = f.events(F);
    expect(events[3]).toMatchObject({ type: 'email_clicked', properties: { provider: 'postmark', ua: CHROME, platform: 'Desktop', matchedBy: 'recipient-time', send: String(f.sendOf(F).id) } });
    expect(JSON.stringify(events)).not.toContain('203.0.113.77');
    expect(JSON.stringify(events)).not.toContain('Berlin');
    expect(f.lead(F)).toEqual({ consent: 'confirmed', suppressed: null });
  });

  it('rejects an open or click without a recipient, a time or (for a click) a link, naming the field', async () => {
    const noLink = JSON.parse(tracking('Click', CHROME, '2026-11-24T15:55:00Z')) as Record<string, unknown>;
    expect(await (await f.post(`/webhooks/postmark/${SECRET}`, JSON.stringify(noLink))).json()).toMatchObject({ stored: 0, rejected: [{ item: '1', reason: 'OriginalLink: missing' }] });
    const noTime = { ...(JSON.parse(tracking('Open', CHROME, 'x')) as Record<string, unknown>) };
    expect(await (await f.post(`/webhooks/postmark/${SECRET}`, JSON.stringify(noTime))).json()).toMatchObject({ rejected: [{ reason: 'ReceivedAt: "x" is not an ISO 8601 date-time' }] });
  });
});
