import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { AUDIT_LOG } from '../../src/workspace/conclude.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * autoConclude with two worker hosts on one PostgreSQL, against SQLite's hourly `nurture run`:
 * New York leads get the tested first touch on Tuesday at 14:00 UTC, their clicks come in, the
 * 18:00 tick decides for b; Honolulu leads get their first touch at 19:00 UTC, after it. On both
 * databases those all get b's content, with the same sends and the same messages; exactly one
 * host rewrote its copy of the sequence file and logged it.
 */
const DAY = '2026-11-03';
const at = (hour: number) => `${DAY}T${String(hour).padStart(2, '0')}:00:00Z`;
const SUBJECT_B = 'Quick question, {{default lead.firstName "there"}}';
const SENDS = `SELECT l.email, s.sequence_id AS "sequenceId", s.step_id AS "stepId", s.status, s.planned_at AS "plannedAt",
    s.due_at AS "dueAt", s.sent_at AS "sentAt", s.reason, s.variant, s.attempts FROM sends s JOIN leads l ON l.id = s.lead_id
  ORDER BY l.email, s.sequence_id, s.step_id`;

describe.runIf(PG_TESTS)('autoConclude with two worker hosts on PostgreSQL', () => {
  let cluster: PgCluster;
  const workspaces: ReturnType<typeof tempWorkspace>[] = [];
  const sinks: SmtpSink[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    cluster?.stop();
    for (const ws of workspaces) ws.cleanup();
  });

  /** A copy of the example workspace with a test on the first touch's subject, concluded automatically. */
  function workspaceWithTest(): string {
    const ws = tempWorkspace();
    workspaces.push(ws);
    const file = join(ws.dir, 'sequences', 'new-signups.yaml');
    const pain = '  - { id: pain,     force: push,    template: push-messy-data,           wait: P0D }';
    const original = readFileSync(file, 'utf8');
    expect(original).toContain(pain);
    const step = ['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    variants:', '      - { id: a }'];
    step.push(`      - { id: b, subject: '${SUBJECT_B}' }`, '    experiment: { mode: test, metric: click, minExposure: 20, autoConclude: true }');
    writeFileSync(file, original.replace(pain, step.join('\n')));
    return ws.dir;
  }

  it('the decision in the database rules every host; one host rewrites its file; sends after it match SQLite', async () => {
    const [sqliteSink, pgSink] = [await startSmtpSink(), await startSmtpSink()];
    sinks.push(sqliteSink, pgSink);
    const env = (sink: SmtpSink) => ({ NURTURE_SECRET: 'conclude', NURTURE_SMTP_URL: sink.url, USER: 'test' });
    const dir = workspaceWithTest();
    const clock = new TestClock(Date.parse(at(12)));
    const cli = cliIn(dir, clock, env(sqliteSink));
    const rows = ['email,first_name,company,job_title,industry,country,timezone,consent'];
    for (let i = 0; i < 120; i++) rows.push(`ny${i}@company${i}.example,Ny${i},Company ${i},Marketing Manager,SaaS,US,America/New_York,confirmed`);
    for (let i = 0; i < 40; i++) rows.push(`hi${i}@island${i}.example,Hi${i},Island ${i},Marketing Manager,SaaS,US,Pacific/Honolulu,confirmed`);
    writeFileSync(join(dir, 'leads.csv'), `${rows.join('\n')}\n`);
    expect((await cli('leads', 'import', 'leads.csv')).status).toBe(0);
    const run = async (hour: number) => {
      clock.set(Date.parse(at(hour)));
      const r = await cli('run', '--at', at(hour));
      expect(r.status, r.stderr).toBe(0);
    };
    for (let h = 13; h <= 17; h++) await run(h);

    // Clicks two hours after the touch: b (the shorter subject) is clicked ten times as often.
    const sqlite = new Database(join(dir, '.nurture', 'nurture.db'));
    const sent = sqlite.prepare("SELECT l.email, s.ref, s.variant FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.step_id = 'pain' AND s.status = 'sent' ORDER BY s.id").all() as {
      email: string;
      ref: string;
      variant: string;
    }[];
    expect(sent.length).toBe(120);
    const clicks = ['email,type,occurred_at,ref,url'];
    sent.forEach((s, i) => {
      if (s.variant === 'b' ? i % 5 < 2 : i % 25 === 0) clicks.push(`${s.email},email_clicked,${at(16)},${s.ref},https://tidewater.example/pricing`);
    });
    writeFileSync(join(dir, 'clicks.csv'), `${clicks.join('\n')}\n`);
    expect((await cli('events', 'import', 'clicks.csv', '--at', '2026-11-03T17:30:00Z')).status).toBe(0);
    const linked = sqlite.prepare("SELECT count(*) FROM events WHERE type = 'email_clicked' AND send_id IS NOT NULL AND signal = 'human'").pluck().get() as number;
    expect(linked).toBe(clicks.length - 1);
    sqlite.close();

    // Two hosts, each with its own copy of the workspace, on one database.
    await sqliteSink.settled();
    const before = sqliteSink.messages.length;
    const url = await cluster.createDatabase('conclude');
    expect((await cli('db', 'copy', '--to', url, '--json')).status).toBe(0);
    const hosts = [workspaceWithTest(), workspaceWithTest()];
    const workers = hosts.map((host) =>
      cliIn(host, new TestClock(Date.parse(at(18))), env(pgSink))('--db', url, 'worker', '--at', at(18), '--ticks', '6', '--every', 'PT1H', '--batch-size', '40'),
    );
    for (let h = 18; h <= 23; h++) await run(h);
    for (const r of await Promise.all(workers)) expect(r.status, r.stderr).toBe(0);
    await Promise.all([sqliteSink.settled(), pgSink.settled()]);

    // SQLite's run concluded at 18:00; on PostgreSQL one host did, and only it.
    const rewritten = (d: string) => !readFileSync(join(d, 'sequences', 'new-signups.yaml'), 'utf8').includes('variants:');
    expect(rewritten(dir)).toBe(true);
    expect(hosts.filter(rewritten)).toHaveLength(1);
    const audit = (d: string) => (existsSync(join(d, AUDIT_LOG)) ? readFileSync(join(d, AUDIT_LOG), 'utf8').trim().split('\n') : []);
    const concluder = hosts.find(rewritten)!;
    expect(hosts.find((h) => h !== concluder)!).not.toBe(concluder);
    expect(audit(hosts.find((h) => h !== concluder)!)).toEqual([]);
    expect(audit(concluder).map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ at: '2026-11-03T18:00:00.000Z', who: 'nurture worker (autoConclude)', experiment: 'new-signups/pain', variant: 'b', subject: SUBJECT_B }),
    ]);
    expect(readFileSync(join(concluder, 'sequences', 'new-signups.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'sequences', 'new-signups.yaml'), 'utf8'));

    const db = new Database(join(dir, '.nurture', 'nurture.db'), { readonly: true });
    const pool = openPool(url, 1);
    try {
      const decision = 'SELECT experiment, outcome, decided_at AS "decidedAt", concluded_at AS "concludedAt" FROM experiment_decisions';
      const stored = db.prepare(decision).all() as { outcome: string; concludedAt: number }[];
      expect((await pool.query(decision)).rows).toEqual(stored);
      expect(JSON.parse(stored[0]!.outcome)).toMatchObject({ kind: 'winner', variant: 'b' });
      expect(stored[0]!.concludedAt).toBe(Date.parse(at(18)));
      // The same sends on both; the Honolulu leads' first touch (19:00, after the decision) is b's content for all.
      const expected = db.prepare(SENDS).all() as { email: string; stepId: string; status: string; variant: string | null; sentAt: number }[];
      expect((await pool.query(SENDS)).rows).toEqual(expected);
      const later = expected.filter((s) => s.stepId === 'pain' && s.email.startsWith('hi'));
      expect(later).toHaveLength(40);
      for (const s of later) expect(s).toMatchObject({ status: 'sent', variant: null, sentAt: Date.parse(at(19)) });
    } finally {
      db.close();
      await pool.end();
    }
    // What went out from 18:00 on (SQLite's sink also holds the New York touches sent before the copy).
    const messages = (sink: SmtpSink, from = 0) =>
      sink.messages.slice(from).map((m) => `${m.messageId} ${m.headers.get('x-nurture-step')} ${m.headers.get('x-nurture-variant') ?? '-'} ${m.subject}`).sort();
    expect(messages(pgSink)).toEqual(messages(sqliteSink, before));
    const island = pgSink.messages.filter((m) => /^hi\d+@/.test((m.to as { value: { address: string }[] }).value[0]!.address));
    expect(island).toHaveLength(40);
    for (const m of island) expect(m.subject).toMatch(/^Quick question, Hi\d+$/);
  }, 600_000);

  it('experiments conclude by hand on one host: the other host plans the winner from the next run, as SQLite does', async () => {
    const sink = await startSmtpSink();
    sinks.push(sink);
    const env = { NURTURE_SECRET: 'by-hand', NURTURE_SMTP_URL: sink.url };
    const dir = workspaceWithTest();
    const clock = new TestClock(Date.parse(at(12)));
    const cli = cliIn(dir, clock, env);
    const rows = ['email,first_name,company,job_title,industry,country,timezone,consent'];
    for (let i = 0; i < 30; i++) rows.push(`ny${i}@company${i}.example,Ny${i},Company ${i},Marketing Manager,SaaS,US,America/New_York,confirmed`);
    writeFileSync(join(dir, 'leads.csv'), `${rows.join('\n')}\n`);
    expect((await cli('leads', 'import', 'leads.csv')).status).toBe(0);
    expect((await cli('run', '--at', at(13))).status).toBe(0);
    const url = await cluster.createDatabase('byhand');
    expect((await cli('db', 'copy', '--to', url, '--json')).status).toBe(0);
    const [one, two] = [workspaceWithTest(), workspaceWithTest()];
    clock.set(Date.parse('2026-11-03T13:30:00Z'));
    const onHost = (host: string) => cliIn(host, clock, env);

    const wrong = ['experiments', 'conclude', 'new-signups', 'pain', 'c'];
    const [wrongSqlite, wrongPg] = [await cli(...wrong), await onHost(one)('--db', url, ...wrong)];
    expect(wrongSqlite.status).toBe(1);
    expect(wrongPg).toEqual(wrongSqlite);
    const conclude = ['experiments', 'conclude', 'new-signups', 'pain', 'b', '--by', 'ann', '--why', 'shorter wins', '--json'];
    const [onSqlite, onPg] = [await cli(...conclude), await onHost(one)('--db', url, ...conclude)];
    expect(onSqlite.status, onSqlite.stderr).toBe(0);
    expect(onPg).toEqual(onSqlite);
    expect(readFileSync(join(one, 'sequences', 'new-signups.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'sequences', 'new-signups.yaml'), 'utf8'));
    expect(readFileSync(join(two, 'sequences', 'new-signups.yaml'), 'utf8')).toContain('variants:');

    // The next run: on SQLite from the rewritten file, on PostgreSQL from the host whose copy still lists the variants.
    clock.set(Date.parse(at(14)));
    expect((await cli('run', '--at', at(14))).status).toBe(0);
    const ran = await onHost(two)('--db', url, 'run', '--at', at(14));
    expect(ran.status, ran.stderr).toBe(0);
    await sink.settled();
    const db = new Database(join(dir, '.nurture', 'nurture.db'), { readonly: true });
    const pool = openPool(url, 1);
    try {
      const expected = db.prepare(SENDS).all() as { stepId: string; status: string; variant: string | null }[];
      expect((await pool.query(SENDS)).rows).toEqual(expected);
      const pain = expected.filter((s) => s.stepId === 'pain');
      expect(pain).toHaveLength(30);
      for (const s of pain) expect(s).toMatchObject({ status: 'sent', variant: null });
    } finally {
      db.close();
      await pool.end();
    }
    // Each database's run sent the 30 touches with b's subject.
    expect(sink.messages).toHaveLength(60);
    for (const m of sink.messages) expect(m.subject).toMatch(/^Quick question, Ny\d+$/);
  }, 300_000);
});
