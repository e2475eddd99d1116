import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { TestClock } from '../helpers/workspace.js';
import { logIn } from '../web/login-session.js';
import { leadRow, leadsWorkspace, linkPaths, pgState, RUN_AT, sqliteState, type StateName, startServe } from './serve-support.js';

const [A, B, C, P] = ['ari@acme-analytics.com', 'bo@acme-analytics.com', 'cy@acme-analytics.com', 'pat@acme-analytics.com'];
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const HOUR = 3_600_000;

type Stack = Awaited<ReturnType<typeof stackOn>>;

/** One workspace, its first run sent to its own sink, and `nurture serve` on it (`--db` for PostgreSQL). */
async function stackOn(clock: TestClock, url: string | undefined) {
  const sink = await startSmtpSink();
  const env = { NURTURE_SMTP_URL: sink.url };
  const ws = await leadsWorkspace([leadRow(A), leadRow(B), leadRow(C), leadRow(P, 'pending')], clock, env);
  const db = url ? ['--db', url] : [];
  if (url) expect((await ws.cli('db', 'copy', '--to', url)).status).toBe(0);
  const run = await ws.cli(...db, 'run', '--json');
  expect(run.status, run.stderr).toBe(0);
  await sink.settled();
  const server = await startServe(ws.dir, clock, env, db);
  return { ws, sink, server, db, url };
}

/**
 * The same hits on a stack's links, taken from the messages its run sent: an open at delivery (a
 * machine's, by the whole message), a later open, a burst of two concurrent clicks, a HEAD, an
 * unsubscribe shown then posted twice, the double opt-in confirmed twice, and tampered tokens.
 * Returns every answer's status (and a redirect's target).
 */
async function hitLinks(stack: Stack, clock: TestClock): Promise<unknown[]> {
  const { sink, server } = stack;
  const first = (email: string) => {
    const m = sink.messagesTo(email)[0];
    expect(m, email).toBeDefined();
    return linkPaths(m!);
  };
  const [a, b, c, p] = [first(A), first(B), first(C), first(P)];
  const kind = (paths: string[], k: string) => paths.find((x) => x.startsWith(`/${k}/`))!;
  const go = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.base}${path}`, { redirect: 'manual', ...init, headers: { 'user-agent': CHROME, ...(init.headers ?? {}) } });
    await response.arrayBuffer();
    return [init.method ?? 'GET', path.slice(0, 3), response.status, response.headers.get('location')];
  };
  const answers: unknown[] = [];
  clock.set(RUN_AT + 5_000);
  answers.push(await go(kind(a, 'o')));
  clock.set(RUN_AT + 2 * HOUR);
  answers.push(await go(kind(a, 'o')));
  answers.push(...(await Promise.all([go(kind(b, 'c')), go(kind(b, 'c'))])));
  answers.push(await go(kind(c, 'c'), { method: 'HEAD' }));
  answers.push(await go(kind(c, 'u')));
  const oneClick = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };
  answers.push(await go(kind(c, 'u'), oneClick));
  clock.set(RUN_AT + 2 * HOUR + 1_000);
  answers.push(await go(kind(c, 'u'), oneClick));
  expect(kind(p, 'k'), 'the pending lead got a confirmation email').toBeDefined();
  answers.push(await go(kind(p, 'k'), { method: 'POST' }));
  answers.push(await go(kind(p, 'k'), { method: 'POST' }));
  const tampered = (path: string) => `${path.slice(0, -3)}${path.endsWith('A', path.length - 2) ? 'B' : 'A'}${path.slice(-2)}`;
  answers.push(await go(tampered(kind(a, 'o'))));
  answers.push(await go(tampered(kind(b, 'u')), oneClick));
  answers.push(await go(tampered(kind(b, 'c'))));
  return answers;
}

describe.runIf(PG_TESTS)('nurture serve on PostgreSQL: the email links', () => {
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

  let versionsBefore: Map<string, number>;
  const inputVersions = async () =>
    new Map((await pool.query<{ email: string; v: number }>('SELECT email, input_version AS v FROM leads')).rows.map((r) => [r.email, r.v]));
  const sqlitePath = () => join(onSqlite.ws.dir, '.nurture', 'nurture.db');
  const same = async (name: StateName) => {
    const expected = sqliteState(sqlitePath(), name);
    expect({ name, rows: await pgState(pool, name) }).toEqual({ name, rows: expected });
    return expected;
  };

  it('sends the same messages from both databases (same refs, same links)', async () => {
    const sent = (await same('sends')) as { email: string; status: string }[];
    expect(sent.filter((s) => s.status === 'sent').map((s) => s.email).sort()).toEqual([A, B, C]);
    const links = (sink: typeof onSqlite.sink) => [A, B, C, P].map((e) => linkPaths(sink.messagesTo(e)[0]!));
    expect(links(onPostgres.sink)).toEqual(links(onSqlite.sink));
    expect(links(onPostgres.sink).flat().length).toBeGreaterThan(8);
    versionsBefore = await inputVersions();
  });

  it('answers the same hits alike and stores the same events, classes, consent and log as SQLite', async () => {
    const answers = await hitLinks(onSqlite, clock);
    clock.set(RUN_AT);
    expect(await hitLinks(onPostgres, clock)).toEqual(answers);
    expect(answers.map((a) => (a as unknown[]).slice(0, 3))).toEqual([
      ['GET', '/o/', 200],
      ['GET', '/o/', 200],
      ['GET', '/c/', 302],
      ['GET', '/c/', 302],
      ['HEAD', '/c/', 302],
      ['GET', '/u/', 200],
      ['POST', '/u/', 200],
      ['POST', '/u/', 200],
      ['POST', '/k/', 200],
      ['POST', '/k/', 200],
      ['GET', '/o/', 200],
      ['POST', '/u/', 400],
      ['GET', '/c/', 400],
    ]);

    const events = (await same('events')) as { email: string; type: string; signal: string; signalReason: string; properties: string }[];
    // Classified on arrival, the reason kept, no IP address: the open at delivery and the burst are machines.
    expect(events.map((e) => [e.email, e.type, e.signal])).toEqual([
      [A, 'email_opened', 'machine'],
      [A, 'email_opened', 'human'],
      [B, 'email_clicked', 'machine'],
      [B, 'email_clicked', 'machine'],
      [C, 'email_clicked', 'machine'],
      [C, 'unsubscribed', ''],
      [C, 'unsubscribed', ''],
    ]);
    expect(events.every((e) => !/\b\d{1,3}(\.\d{1,3}){3}\b/.test(e.properties))).toBe(true);
    const leads = (await same('leads')) as { email: string; consent: string; suppressedReason: string | null }[];
    expect(leads.map((l) => [l.email, l.consent, l.suppressedReason])).toEqual([
      [A, 'confirmed', null],
      [B, 'confirmed', null],
      [C, 'unsubscribed', 'unsubscribed'],
      [P, 'confirmed', null],
    ]);
    const log = (await same('consentLog')) as { email: string; consent: string; source: string }[];
    expect(log.filter((l) => l.source !== 'import').map((l) => [l.email, l.consent])).toEqual([
      [C, 'unsubscribed'],
      [P, 'confirmed'],
    ]);
    expect(await same('confirmations')).toEqual([expect.objectContaining({ email: P, status: 'confirmed' })]);
  });

  it('wakes the leads the hits changed, and the next run on PostgreSQL mails none after its unsubscribe', async () => {
    // The input triggers (migrations/pg/0002) saw every event and consent change: each lead is due for planning.
    const { rows } = await pool.query<{ email: string; wake: number }>('SELECT email, wake_at AS wake FROM leads ORDER BY email');
    expect(rows.filter((r) => r.wake === 0).map((r) => r.email)).toEqual([A, B, C, P]);
    const after = await inputVersions();
    expect([A, B, C, P].filter((e) => after.get(e)! > versionsBefore.get(e)!)).toEqual([A, B, C, P]);
    clock.set(RUN_AT + 7 * 24 * HOUR);
    const later = async (s: Stack) => {
      const r = await s.ws.cli(...s.db, 'run', '--json');
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { sent: { lead: string; sequence: string; step: string }[] }).sent.map((x) => `${x.lead} ${x.sequence}/${x.step}`).sort();
    };
    const [onS, onP] = [await later(onSqlite), await later(onPostgres)];
    expect(onP).toEqual(onS);
    expect(onP.some((x) => x.startsWith(`${P} `))).toBe(true);
    expect(onP.some((x) => x.startsWith(`${C} `))).toBe(false);
    await onPostgres.sink.settled();
    expect(onPostgres.sink.countTo(C)).toBe(1);
    await same('sends');
  });

  it('judges concurrent clicks on two serve processes as one burst, and logs concurrent unsubscribes once', async () => {
    const second = await startServe(onPostgres.ws.dir, clock, { NURTURE_SMTP_URL: onPostgres.sink.url }, onPostgres.db);
    try {
      clock.set(RUN_AT + 8 * 24 * HOUR);
      // Every click link of every message sent so far, each hit twice at once (one hit on each process).
      const clickLinks = (s: Stack) => s.sink.messages.flatMap((m) => linkPaths(m).filter((x) => x.startsWith('/c/')));
      const unsubscribeOf = (s: Stack) => linkPaths(s.sink.messagesTo(B)[0]!).find((x) => x.startsWith('/u/'))!;
      const hit = (base: string, path: string, init: RequestInit = {}) =>
        fetch(`${base}${path}`, { redirect: 'manual', ...init, headers: { 'user-agent': CHROME } }).then((r) => r.status);
      const oneClick = { method: 'POST', body: 'List-Unsubscribe=One-Click' };
      const bases = [onPostgres.server.base, second.base];
      const pgLinks = clickLinks(onPostgres);
      expect(pgLinks).toEqual(clickLinks(onSqlite));
      expect(pgLinks.length).toBeGreaterThan(4);
      const onPg: number[] = [];
      const onS: number[] = [];
      for (const link of pgLinks) {
        onPg.push(...(await Promise.all(bases.map((base) => hit(base, link)))));
        onS.push(...(await Promise.all([hit(onSqlite.server.base, link), hit(onSqlite.server.base, link)])));
      }
      const pgUnsubscribes = await Promise.all([0, 1, 2, 3].map((i) => hit(bases[i % 2]!, unsubscribeOf(onPostgres), oneClick)));
      const sUnsubscribes = await Promise.all([0, 1, 2, 3].map(() => hit(onSqlite.server.base, unsubscribeOf(onSqlite), oneClick)));
      expect([onPg, pgUnsubscribes]).toEqual([onS, sUnsubscribes]);
      expect(new Set(onPg)).toEqual(new Set([302]));
      // Two clicks in the same instant are a scanner's burst: both machine on both databases.
      const burst = ((await same('events')) as { type: string; signal: string; occurredAt: number }[]).filter(
        (e) => e.type === 'email_clicked' && e.occurredAt === RUN_AT + 8 * 24 * HOUR,
      );
      expect(burst).toHaveLength(2 * pgLinks.length);
      expect(new Set(burst.map((c) => c.signal))).toEqual(new Set(['machine']));
      const log = (await same('consentLog')) as { email: string; consent: string }[];
      expect(log.filter((l) => l.email === B && l.consent === 'unsubscribed')).toHaveLength(1);
      await same('leads');
    } finally {
      await second.stop();
    }
  });

  it('serves no page or JSON with lead data without a login on PostgreSQL (links and webhooks stay public); logged in, the review pages read it', async () => {
    const { base } = onPostgres.server;
    for (const path of ['/', '/calendar', '/leads/abc', '/sequences/new-signups', '/report', '/report/leads', '/diff'])
      expect([path, (await fetch(`${base}${path}`, { redirect: 'manual' })).status]).toEqual([path, 302]);
    for (const path of ['/api/calendar/summary', '/api/calendar/events', '/api/calendar/touches'])
      expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 401]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const session = await logIn(onPostgres.server.loginUrl());
    const calendar = await fetch(`${base}/api/calendar/summary`, { headers: { cookie: session.cookie } });
    expect(calendar.status).toBe(200);
    await calendar.arrayBuffer();
    // The report page through serve itself (its HTML is compared with SQLite's in test/pg/report.test.ts).
    const report = await fetch(`${base}/report`, { headers: { cookie: session.cookie } });
    expect(report.status).toBe(200);
    const page = await report.text();
    expect(page).toContain('new-signups');
    expect(page).not.toContain('not read PostgreSQL');
  });
});
