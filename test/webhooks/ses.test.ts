import { createServer as createHttpServer, type Server } from 'node:http';
import { Agent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { createWebApp } from '../../src/web/app.js';
import { httpsConfirmer } from '../../src/web/esp/sns-confirm.js';
import { resolveEspSettings } from '../../src/web/esp/settings.js';
import { serve } from '../../src/web/server.js';
import { TestClock, tempWorkspace } from '../helpers/workspace.js';
import { serveFixture } from './support.js';
import { SNS_HOST, sesBounce, sesComplaint, snsCertificate, snsMessage, TOPIC } from './sns-keys.js';

const [A, B, C] = ['ari@acme-analytics.com', 'bo@acme-analytics.com', 'cy@acme-analytics.com'];
const STRANGER = 'nobody@elsewhere.example';
const pki = snsCertificate();
const other = snsCertificate();
const SNS = { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' };

describe('Amazon SES through SNS, signatures checked against the configured certificate, over real HTTP to nurture serve', () => {
  let f: Awaited<ReturnType<typeof serveFixture>>;
  beforeAll(async () => {
    f = await serveFixture(
      [A, B, C],
      `webhooks:\n  ses: { certificate: sns-cert.pem, topicArn: ${TOPIC} }`,
      {},
      { 'sns-cert.pem': pki.cert },
    );
  });
  afterAll(() => f.stop());

  const notification = (message: string, id: string, version: '1' | '2' = '1', key = pki.key, extra: Record<string, string> = {}) =>
    snsMessage({ Type: 'Notification', MessageId: id, Subject: 'Amazon SES Email Event Notification', Message: message, UnsubscribeURL: `https://${SNS_HOST}/?Action=Unsubscribe`, ...extra }, key, version);

  it('refuses a tampered, unsigned, wrongly signed or foreign-topic notification, and stores nothing', async () => {
    const good = notification(sesBounce('Permanent', [A], f.messageIdOf(A), 'fb-1'), 'sns-1');
    const tampered = { ...good, Message: good.Message!.replace('Permanent', 'Transient') };
    const response = await f.post('/webhooks/ses', JSON.stringify(tampered), SNS);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'the SNS signature does not match the configured certificate' });
    const { Signature: _dropped, ...unsigned } = good;
    expect(await (await f.post('/webhooks/ses', JSON.stringify(unsigned), SNS)).json()).toEqual({ error: 'Signature: missing' });
    const forged = notification(sesBounce('Permanent', [A], f.messageIdOf(A), 'fb-1'), 'sns-1', '1', other.key);
    expect((await f.post('/webhooks/ses', JSON.stringify(forged), SNS)).status).toBe(401);
    const foreign = notification(sesBounce('Permanent', [A], f.messageIdOf(A), 'fb-1'), 'sns-1', '1', pki.key, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:other' });
    const refused = await f.post('/webhooks/ses', JSON.stringify(foreign), SNS);
    expect(await refused.json()).toEqual({ error: 'topic arn:aws:sns:us-east-1:999999999999:other is not in webhooks.ses.topicArn' });
    expect(f.eventCount()).toBe(0);
    expect(f.lead(A).suppressed).toBeNull();
  });

  it('suppresses on a permanent bounce (SignatureVersion 1), tied to our send by commonHeaders.messageId', async () => {
    const response = await f.post('/webhooks/ses', JSON.stringify(notification(sesBounce('Permanent', [A], f.messageIdOf(A), 'fb-1'), 'sns-1')), SNS);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ provider: 'ses', received: 1, stored: 1, matched: 1, rejected: [] });
    expect(f.lead(A).suppressed).toBe('bounced');
    expect(f.events(A)).toMatchObject([
      {
        type: 'bounced',
        occurredAt: Date.parse('2026-11-24T15:40:00Z'),
        properties: { provider: 'ses', bounceType: 'hard', sesBounceType: 'Permanent', status: '5.1.1', matchedBy: 'message-id', send: String(f.sendOf(A).id) },
      },
    ]);
    expect(JSON.stringify(f.events(A))).not.toContain('192.0.2.10');
  });

  it('records a transient bounce (SignatureVersion 2) as a soft bounce that suppresses nothing', async () => {
    const response = await f.post('/webhooks/ses', JSON.stringify(notification(sesBounce('Transient', [B], f.messageIdOf(B), 'fb-2'), 'sns-2', '2')), SNS);
    expect(response.status).toBe(200);
    expect(f.lead(B).suppressed).toBeNull();
    expect(f.events(B)).toMatchObject([{ type: 'soft_bounced', properties: { bounceType: 'soft', sesBounceType: 'Transient', bounceSubType: 'MailboxFull' } }]);
  });

  it('suppresses every complaining recipient, quarantines an unknown one, and stores a replay once', async () => {
    const body = JSON.stringify(notification(sesComplaint([C, STRANGER], f.messageIdOf(C), 'fb-3'), 'sns-3'));
    const response = await f.post('/webhooks/ses', body, SNS);
    expect(await response.json()).toMatchObject({ received: 2, stored: 1, quarantined: [{ item: 'sns-3/1.2' }] });
    expect(f.lead(C).suppressed).toBe('complained');
    expect(f.quarantined()).toEqual([{ email: STRANGER, type: 'complained' }]);
    const replay = await f.post('/webhooks/ses', body, SNS);
    expect(await replay.json()).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('logs the SubscribeURL of a signed subscription confirmation for the operator, and fetches nothing', async () => {
    const confirmation = snsMessage(
      {
        Type: 'SubscriptionConfirmation',
        MessageId: 'sns-sub-1',
        Token: '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
        Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37fb`,
      },
      pki.key,
    );
    const response = await f.post('/webhooks/ses', JSON.stringify(confirmation), { ...SNS, 'x-amz-sns-message-type': 'SubscriptionConfirmation' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subscription: 'pending', confirm: 'the SubscribeURL was logged for the operator' });
    expect(f.stderr).toContain(
      `ses webhook: to receive SES notifications from ${TOPIC}, open this URL once (or set webhooks.ses.autoConfirm: true): https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37fb`,
    );
  });
});

describe('the SNS subscription handshake with autoConfirm and a shared secret, over real HTTP(S) on 127.0.0.1 only', () => {
  let app: App;
  let server: Server;
  let base: string;
  let fakeSns: Server;
  let elsewhere: Server;
  const hits: string[] = [];
  const log: string[] = [];
  const ws = tempWorkspace();

  beforeAll(async () => {
    // An HTTPS server on 127.0.0.1 with a certificate for sns.us-east-1.amazonaws.com: the
    // confirmer's agent connects there instead of to AWS, and TLS is verified against that certificate.
    fakeSns = createHttpsServer({ cert: pki.cert, key: pki.key }, (req, res) => {
      hits.push(`sns ${req.url}`);
      res.end('<ConfirmSubscriptionResponse/>');
    });
    elsewhere = createHttpServer((req, res) => {
      hits.push(`elsewhere ${req.url}`);
      res.end('ok');
    });
    await Promise.all([fakeSns, elsewhere].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    const snsPort = (fakeSns.address() as AddressInfo).port;
    class LocalSns extends Agent {
      override createConnection(options: object) {
        return connect({ ...options, host: '127.0.0.1', port: snsPort, servername: SNS_HOST, ca: pki.cert });
      }
    }
    app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test-secret' }, clock: new TestClock(Date.parse('2026-11-24T16:00:00Z')) });
    const esp = resolveEspSettings({ ses: { secret: 'env:SES_SECRET', autoConfirm: true } }, ws.dir, { SES_SECRET: 'sns-shared-secret' });
    const web = createWebApp(app, { webhookSecret: 'unused', esp, log: (l) => log.push(l), confirmSubscription: httpsConfirmer({ agent: new LocalSns() }) });
    server = await serve(web, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all([server, fakeSns, elsewhere].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    app.close();
    ws.cleanup();
  });

  const confirmation = (subscribeUrl: string) =>
    JSON.stringify({
      Type: 'SubscriptionConfirmation',
      MessageId: 'sns-sub-2',
      Token: 'tok-1',
      TopicArn: TOPIC,
      Message: 'You have chosen to subscribe to the topic.',
      SubscribeURL: subscribeUrl,
      Timestamp: '2026-11-24T15:59:00.000Z',
      SignatureVersion: '1',
      Signature: 'bm90IGNoZWNrZWQ=',
      SigningCertURL: `https://${SNS_HOST}/SimpleNotificationService-0000.pem`,
    });
  const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8' }, body });

  it('refuses a handshake without the shared secret and fetches nothing', async () => {
    const response = await post('/webhooks/ses', confirmation(`https://${SNS_HOST}/?Action=ConfirmSubscription&Token=tok-1`));
    expect(response.status).toBe(401);
    expect(await post('/webhooks/ses/wrong', confirmation(`https://${SNS_HOST}/?Action=ConfirmSubscription&Token=tok-1`)).then((r) => r.status)).toBe(401);
    expect(hits).toEqual([]);
  });

  it('confirms the subscription by fetching a SubscribeURL on SNS’s host', async () => {
    const response = await post('/webhooks/ses/sns-shared-secret', confirmation(`https://${SNS_HOST}/?Action=ConfirmSubscription&Token=tok-1`));
    expect(await response.json()).toEqual({ subscription: 'confirmed', status: 200 });
    expect(hits).toEqual(['sns /?Action=ConfirmSubscription&Token=tok-1']);
    expect(log).toContain(`ses webhook: confirmed the subscription to ${TOPIC} (HTTP 200)`);
  });

  it('never fetches a SubscribeURL on another host, even with autoConfirm', async () => {
    hits.length = 0;
    const port = (elsewhere.address() as AddressInfo).port;
    for (const url of [`http://127.0.0.1:${port}/steal`, `https://${SNS_HOST}.evil.example/x`, `http://${SNS_HOST}/?Action=ConfirmSubscription`]) {
      const response = await post('/webhooks/ses/sns-shared-secret', confirmation(url));
      expect(await response.json()).toEqual({ subscription: 'pending', confirm: 'SubscribeURL not on sns.<region>.amazonaws.com: not fetched' });
      expect(log).toContain(`ses webhook: SubscribeURL ${url} is not on sns.<region>.amazonaws.com: not fetched`);
    }
    expect(hits).toEqual([]);
  });
});
