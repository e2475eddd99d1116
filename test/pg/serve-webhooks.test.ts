import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { TestClock } from '../helpers/workspace.js';
import { sesBounce, sesComplaint, snsCertificate, snsMessage, SNS_HOST, TOPIC } from '../webhooks/sns-keys.js';
import { leadRow, leadsWorkspace, pgState, RUN_AT, sqliteRows, sqliteState, type StateName, startServe } from './serve-support.js';

const [A, B, C, D, E, F] = ['ari@acme-analytics.com', 'bo@acme-analytics.com', 'cy@acme-analytics.com', 'di@acme-analytics.com', 'ed@acme-analytics.com', 'flo@acme-analytics.com'];
const STRANGER = 'nobody@elsewhere.example';
/** When the providers report back: an hour after the run. */
const LATER = RUN_AT + 3_600_000;
const WEBHOOK_SECRET = 'generic-webhook-secret';
const MAILGUN_KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const POSTMARK_SECRET = 'pm-7c1e0b3a9f';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const otherKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sns = snsCertificate();
const SNS = { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' };

const YAML = `webhooks:
  sendgrid: { publicKey: env:SENDGRID_VERIFICATION_KEY }
  mailgun: { signingKey: env:MAILGUN_SIGNING_KEY }
  postmark: { secret: env:POSTMARK_WEBHOOK_SECRET, user: postmark }
  ses: { certificate: sns-cert.pem, topicArn: ${TOPIC} }`;

/** What more the webhooks write than the links: quarantined events and rescored leads. */
const MORE = {
  quarantined: `SELECT email, type, occurred_at AS "occurredAt", url, properties, external_id AS "externalId", dedupe_key AS "dedupeKey", source, reason FROM quarantined_events ORDER BY dedupe_key`,
  scores: `SELECT email, score, fit_score AS fit, engagement_score AS engagement, stage, scored_at AS "scoredAt" FROM leads ORDER BY email`,
  history: `SELECT l.email, h.at, h.score, h.stage, h.cause FROM score_history h JOIN leads l ON l.id = h.lead_id ORDER BY l.email, h.at, h.id`,
};

async function stackOn(clock: TestClock, url: string | undefined) {
  clock.set(RUN_AT);
  const sink = await startSmtpSink();
  const env = {
    NURTURE_SMTP_URL: sink.url,
    NURTURE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SENDGRID_VERIFICATION_KEY: sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    MAILGUN_SIGNING_KEY: MAILGUN_KEY,
    POSTMARK_WEBHOOK_SECRET: POSTMARK_SECRET,
  };
  const ws = await leadsWorkspace([A, B, C, D, E, F].map((e) => leadRow(e)), clock, env);
  const db = url ? ['--db', url] : [];
  if (url) expect((await ws.cli('db', 'copy', '--to', url)).status).toBe(0);
  const run = await ws.cli(...db, 'run');
  expect(run.status, run.stderr).toBe(0);
  await sink.settled();
  appendFileSync(join(ws.dir, 'nurture.yaml'), `\n${YAML}\n`);
  writeFileSync(join(ws.dir, 'sns-cert.pem'), sns.cert);
  clock.set(LATER);
  const server = await startServe(ws.dir, clock, env, db);
  const messageIdOf = (email: string) => sink.messagesTo(email)[0]!.messageId!;
  return { ws, sink, server, messageIdOf, env };
}
type Stack = Awaited<ReturnType<typeof stackOn>>;

/** A request, signed where the provider signs: built once, so both databases get the very same bytes. */
interface Call {
  label: string;
  path: string;
  body: string;
  headers: Record<string, string>;
}

function sendgridSigned(body: string, key = sendgridKeys.privateKey): Record<string, string> {
  const timestamp = String(Math.floor(LATER / 1000));
  return {
    'x-twilio-email-event-webhook-timestamp': timestamp,
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(timestamp + body), key).toString('base64'),
  };
}

function mailgunBody(eventData: Record<string, unknown>, key = MAILGUN_KEY): string {
  const timestamp = String(Math.floor(LATER / 1000));
  const token = randomBytes(25).toString('hex');
  return JSON.stringify({ signature: { timestamp, token, signature: createHmac('sha256', key).update(timestamp + token).digest('hex') }, 'event-data': eventData });
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** Every provider's requests, in their documented shapes: refused ones first, then good ones, then replays. */
function calls(messageIdOf: (email: string) => string): Call[] {
  const t = Math.floor(LATER / 1000) - 600;
  const sendgrid = JSON.stringify([
    { email: A, timestamp: t, 'smtp-id': messageIdOf(A), event: 'bounce', sg_event_id: 'sg-bounce-a', sg_message_id: 'sgm-a', reason: '550 5.1.1 no such user', status: '5.1.1', type: 'bounce' },
    { email: D, timestamp: t, event: 'open', sg_event_id: 'sg-open-d', sg_message_id: 'sgm-d', sg_machine_open: true, useragent: 'Mozilla/5.0', ip: '203.0.113.9' },
    { email: D, timestamp: t + 5, event: 'click', sg_event_id: 'sg-click-d', sg_message_id: 'sgm-d', url: 'https://tidewater.example/pricing', useragent: CHROME, ip: '203.0.113.9' },
    { email: A, timestamp: t, event: 'delivered', sg_event_id: 'sg-delivered-a', response: '250 OK' },
    { timestamp: t, event: 'bounce', sg_event_id: 'sg-no-email', type: 'bounce' },
    { email: STRANGER, timestamp: t, event: 'dropped', sg_event_id: 'sg-dropped-x', reason: 'Bounced Address' },
  ]);
  const mailgunFailed = {
    event: 'failed',
    severity: 'permanent',
    id: 'mg-fail-b',
    timestamp: t + 0.25,
    reason: 'bounce',
    recipient: B,
    'delivery-status': { code: 550, 'enhanced-code': '5.1.1', message: '5.1.1 no such user', description: '' },
    message: { headers: { to: B, 'message-id': messageIdOf(B).replace(/^<|>$/g, ''), subject: 'Hello' } },
  };
  const mailgun = mailgunBody(mailgunFailed);
  const postmark = JSON.stringify({
    RecordType: 'Bounce',
    ID: 4001,
    Type: 'HardBounce',
    TypeCode: 1,
    Name: 'Hard bounce',
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Details: 'smtp;550 5.1.1 no such user',
    Email: C,
    BouncedAt: '2026-11-24T15:50:00.9070259Z',
    Inactive: true,
  });
  const sesNote = (message: string, id: string) =>
    snsMessage({ Type: 'Notification', MessageId: id, Subject: 'Amazon SES Email Event Notification', Message: message, UnsubscribeURL: `https://${SNS_HOST}/?Action=Unsubscribe` }, sns.key);
  const complaint = sesNote(sesComplaint([E], messageIdOf(E), 'fb-e'), 'sns-e');
  const transient = sesNote(sesBounce('Transient', [F], messageIdOf(F), 'fb-f'), 'sns-f');
  const generic = JSON.stringify({
    events: [
      { email: F, type: 'meeting_booked', occurred_at: '2026-11-24T15:30:00Z', id: 'crm-meeting-f' },
      { email: D, type: 'page_viewed', occurred_at: '2026-11-24T15:20:00Z', url: 'https://tidewater.example/pricing' },
      { email: STRANGER, type: 'webinar_attended', occurred_at: '2026-11-24T15:10:00Z', id: 'crm-webinar-x' },
      { email: F, type: 'not_a_type', occurred_at: '2026-11-24T15:10:00Z' },
    ],
  });
  const json = { 'content-type': 'application/json' };
  return [
    { label: 'sendgrid unsigned', path: '/webhooks/sendgrid', body: sendgrid, headers: json },
    { label: 'sendgrid other key', path: '/webhooks/sendgrid', body: sendgrid, headers: { ...json, ...sendgridSigned(sendgrid, otherKeys.privateKey) } },
    { label: 'sendgrid tampered', path: '/webhooks/sendgrid', body: sendgrid.replace('5.1.1', '4.1.1'), headers: { ...json, ...sendgridSigned(sendgrid) } },
    { label: 'mailgun wrong key', path: '/webhooks/mailgun', body: mailgunBody(mailgunFailed, 'key-not-it'), headers: json },
    { label: 'postmark no auth', path: '/webhooks/postmark', body: postmark, headers: json },
    { label: 'ses tampered', path: '/webhooks/ses', body: JSON.stringify({ ...complaint, Message: complaint.Message!.replace('abuse', 'other') }), headers: SNS },
    { label: 'generic wrong secret', path: '/webhooks/events', body: generic, headers: { ...json, authorization: 'Bearer guess' } },
    { label: 'sendgrid', path: '/webhooks/sendgrid', body: sendgrid, headers: { ...json, ...sendgridSigned(sendgrid) } },
    { label: 'mailgun', path: '/webhooks/mailgun', body: mailgun, headers: json },
    { label: 'postmark', path: '/webhooks/postmark', body: postmark, headers: { ...json, ...basic('postmark', POSTMARK_SECRET) } },
    { label: 'ses complaint', path: '/webhooks/ses', body: JSON.stringify(complaint), headers: SNS },
    { label: 'ses transient bounce', path: '/webhooks/ses', body: JSON.stringify(transient), headers: SNS },
    { label: 'generic', path: '/webhooks/events', body: generic, headers: { ...json, authorization: `Bearer ${WEBHOOK_SECRET}` } },
    // Providers retry: the same deliveries again are stored once.
    { label: 'sendgrid again', path: '/webhooks/sendgrid', body: sendgrid, headers: { ...json, ...sendgridSigned(sendgrid) } },
    { label: 'mailgun replayed token', path: '/webhooks/mailgun', body: mailgun, headers: json },
    { label: 'mailgun again, new token', path: '/webhooks/mailgun', body: mailgunBody(mailgunFailed), headers: json },
    { label: 'postmark again', path: '/webhooks/postmark', body: postmark, headers: { ...json, ...basic('postmark', POSTMARK_SECRET) } },
    { label: 'ses complaint again', path: '/webhooks/ses', body: JSON.stringify(complaint), headers: SNS },
    { label: 'generic again', path: '/webhooks/events', body: generic, headers: { ...json, authorization: `Bearer ${WEBHOOK_SECRET}` } },
  ];
}

/** Each answer's status and body, without the random request id. */
async function deliver(stack: Stack, list: Call[]): Promise<{ label: string; status: number; body: unknown }[]> {
  const out = [];
  for (const c of list) {
    const response = await fetch(`${stack.server.base}${c.path}`, { method: 'POST', headers: c.headers, body: c.body });
    const { request: _request, ...body } = (await response.json()) as Record<string, unknown>;
    out.push({ label: c.label, status: response.status, body });
  }
  return out;
}

describe.runIf(PG_TESTS)('nurture serve on PostgreSQL: the generic and ESP webhooks', () => {
  let cluster: PgCluster;
  let pool: pg.Pool;
  const clock = new TestClock(RUN_AT);
  let onSqlite: Stack;
  let onPostgres: Stack;
  beforeAll(async () => {
    cluster = await startPgCluster();
    pool = openPool(cluster.url, 2);
    onSqlite = await stackOn(clock, undefined);
    onPostgres = await stackOn(clock, cluster.url);
  }, 180_000);
  afterAll(async () => {
    for (const s of [onSqlite, onPostgres]) {
      await s?.server.stop();
      await s?.sink.close();
      s?.ws.cleanup();
    }
    await pool?.end();
    cluster?.stop();
  });

  const same = async (name: StateName | keyof typeof MORE) => {
    const path = join(onSqlite.ws.dir, '.nurture', 'nurture.db');
    const expected = name in MORE ? sqliteRows(path, MORE[name as keyof typeof MORE]) : sqliteState(path, name as StateName);
    const actual = name in MORE ? (await pool.query(MORE[name as keyof typeof MORE])).rows : await pgState(pool, name as StateName);
    // Each request has a random id, kept in the evidence ("sendgrid webhook 3f9a0c1e item line 2"): set aside.
    const plain = (rows: unknown[]) => JSON.parse(JSON.stringify(rows).replace(/webhook [0-9a-f]{8} item/g, 'webhook (request) item')) as unknown[];
    expect({ name, rows: plain(actual) }).toEqual({ name, rows: plain(expected) });
    return expected;
  };

  it('answers every provider alike on both databases: refusals (401, nothing stored), reports, duplicates stored once', async () => {
    const list = calls(onPostgres.messageIdOf);
    expect(calls(onSqlite.messageIdOf).map((c) => c.body.replace(/"token":"\w+"|"signature":"\w+"|"Signature":"[^"]+"/g, ''))).toEqual(
      list.map((c) => c.body.replace(/"token":"\w+"|"signature":"\w+"|"Signature":"[^"]+"/g, '')),
    );
    const refusals = list.filter((c) => / (unsigned|other key|tampered|wrong key|no auth|wrong secret)$/.test(c.label));
    expect(refusals).toHaveLength(7);
    const refused = await deliver(onPostgres, refusals);
    expect(refused.map((r) => r.status)).toEqual(refusals.map(() => 401));
    expect((await pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM quarantined_events')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM leads WHERE suppressed_reason IS NOT NULL')).rows[0].n).toBe(0);

    const rest = list.filter((c) => !refusals.includes(c));
    const onPg = await deliver(onPostgres, rest);
    const onS = await deliver(onSqlite, [...refusals, ...rest]);
    expect([...refused, ...onPg]).toEqual(onS);
    const byLabel = new Map(onPg.map((r) => [r.label, r]));
    expect(byLabel.get('sendgrid')).toMatchObject({ status: 200, body: { stored: 3, duplicates: 0, quarantined: [expect.anything()] } });
    expect(byLabel.get('sendgrid again')).toMatchObject({ status: 200, body: { stored: 0, duplicates: 3 } });
    expect(byLabel.get('mailgun replayed token')).toMatchObject({ status: 401 });
    expect(byLabel.get('mailgun again, new token')).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });
    expect(byLabel.get('postmark again')).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });
    expect(byLabel.get('ses complaint again')).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });
    expect(byLabel.get('generic')).toMatchObject({ status: 422, body: { stored: 2, rejected: [expect.objectContaining({ item: 4 })] } });
    expect(byLabel.get('generic again')).toMatchObject({ status: 422, body: { stored: 0, duplicates: 2 } });
  });

  it('stores the same events, suppressions, consent log, quarantine and scores as SQLite', async () => {
    const events = (await same('events')) as { email: string; type: string; signal: string; properties: string }[];
    expect(events.map((e) => `${e.email} ${e.type}`)).toEqual([
      `${A} bounced`,
      `${B} bounced`,
      `${C} bounced`,
      `${D} page_viewed`,
      `${D} email_opened`,
      `${D} email_clicked`,
      `${E} complained`,
      `${F} meeting_booked`,
      `${F} soft_bounced`,
    ]);
    expect(events.find((e) => e.type === 'email_opened')?.signal).toBe('machine');
    expect(events.every((e) => !e.properties.includes('203.0.113.9'))).toBe(true);
    const leads = (await same('leads')) as { email: string; suppressedReason: string | null }[];
    expect(leads.map((l) => [l.email, l.suppressedReason])).toEqual([
      [A, 'bounced'],
      [B, 'bounced'],
      [C, 'bounced'],
      [D, null],
      [E, 'complained'],
      [F, null],
    ]);
    await same('consentLog');
    expect(((await same('quarantined')) as { email: string }[]).map((q) => q.email)).toEqual([STRANGER, STRANGER]);
    await same('scores');
    await same('history');
  });

  it('sends nothing more to a bounced or complained address, and a meeting stops the sequence, on PostgreSQL as on SQLite', async () => {
    clock.set(RUN_AT + 7 * 24 * 3_600_000);
    const later = async (s: Stack, db: string[]) => {
      const r = await s.ws.cli(...db, 'run', '--json');
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { sent: { lead: string }[] }).sent.map((x) => x.lead).sort();
    };
    const onPg = await later(onPostgres, ['--db', cluster.url]);
    expect(onPg).toEqual(await later(onSqlite, []));
    expect(onPg.filter((e) => [A, B, C, E, F].includes(e))).toEqual([]);
    expect(onPg, 'the one lead still nurtured gets its next touch').toEqual([D]);
    await same('sends');
  });

  it('stores a delivery retried to two serve processes at once exactly once, and suppresses once', async () => {
    const second = await startServe(onPostgres.ws.dir, clock, onPostgres.env, ['--db', cluster.url]);
    try {
      const bases = [onPostgres.server.base, second.base];
      const events = Array.from({ length: 20 }, (_, i) => ({ email: D, type: 'page_viewed', occurred_at: '2026-11-24T15:40:00Z', id: `retry-${i}`, url: `https://tidewater.example/p${i}` }));
      const body = JSON.stringify({ events: [...events, { email: D, type: 'unsubscribed', occurred_at: '2026-11-24T15:45:00Z', id: 'retry-unsub' }] });
      const post = (base: string) =>
        fetch(`${base}/webhooks/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body }).then(
          async (r) => ({ status: r.status, ...((await r.json()) as { stored: number; duplicates: number }) }),
        );
      const answers = await Promise.all([...bases, ...bases].map(post));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(answers.reduce((n, a) => n + a.stored, 0)).toBe(21);
      expect(answers.reduce((n, a) => n + a.duplicates, 0)).toBe(3 * 21);
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE external_id LIKE 'retry-%'");
      expect(rows[0]!.n).toBe(21);
      const log = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM consent_log c JOIN leads l ON l.id = c.lead_id WHERE l.email = $1 AND c.consent = 'unsubscribed'",
        [D],
      );
      expect(log.rows[0]!.n).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
