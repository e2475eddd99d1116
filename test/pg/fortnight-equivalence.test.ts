import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** Monday 2026-11-23 00:00 UTC (after the example events): two weeks of hourly ticks, Thanksgiving inside them. */
const START = '2026-11-23T00:00:00Z';
const TICKS = 14 * 24;

/** The outbox as a person would compare it: who, which touch, when, what became of it. */
const SENDS = `SELECT l.email, s.sequence_id AS "sequenceId", s.step_id AS "stepId", s.status, s.planned_at AS "plannedAt",
    s.due_at AS "dueAt", s.sent_at AS "sentAt", s.reason, s.variant, s.attempts FROM sends s JOIN leads l ON l.id = s.lead_id
  ORDER BY l.email, s.sequence_id, s.step_id`;

let cluster: PgCluster | undefined;
const sinks: SmtpSink[] = [];
const workspaces: ReturnType<typeof tempWorkspace>[] = [];
beforeAll(async () => {
  if (PG_TESTS) cluster = await startPgCluster();
});
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  cluster?.stop();
  for (const ws of workspaces) ws.cleanup();
});

/** The example workspace with its leads and events, a bandit on the first touch and send-time optimisation on. */
async function exampleWorkspace(smtpUrl: string) {
  const ws = tempWorkspace();
  workspaces.push(ws);
  const sequenceFile = join(ws.dir, 'sequences', 'new-signups.yaml');
  const pain = '  - { id: pain,     force: push,    template: push-messy-data,           wait: P0D }';
  const original = readFileSync(sequenceFile, 'utf8');
  expect(original).toContain(pain);
  writeFileSync(
    sequenceFile,
    original.replace(
      pain,
      ['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    variants:', '      - { id: a }', "      - { id: b, subject: 'Quick question' }", '    experiment: { mode: bandit, metric: click }'].join('\n'),
    ),
  );
  const yaml = join(ws.dir, 'nurture.yaml');
  writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}\nsendTime: { optimize: true }\nsmtpPool: { connections: 2 }\n`);
  const cli = cliIn(ws.dir, new TestClock(Date.parse(START)), { NURTURE_SECRET: 'fortnight', NURTURE_SMTP_URL: smtpUrl });
  expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
  expect((await cli('events', 'import', 'examples/events.csv', '--at', START)).status).toBe(0);
  return { dir: ws.dir, cli };
}

it.runIf(PG_TESTS)(
  'two weeks of hourly ticks on the example data: SQLite (runOnce) and PostgreSQL (two workers on the tick path) send the same touches, the same Message-IDs, and forecast the same calendar at the start, mid-way and at the end',
  async () => {
    const [sqliteSink, pgSink] = [await startSmtpSink(), await startSmtpSink()];
    sinks.push(sqliteSink, pgSink);
    const sqlite = await exampleWorkspace(sqliteSink.url);
    const postgres = await exampleWorkspace(pgSink.url);
    const url = cluster!.url;
    expect((await postgres.cli('db', 'copy', '--to', url)).status).toBe(0);

    // The calendar agrees at the start, mid-way and at the end (issue 16, point 4): each half a week of ticks apart.
    const calendars: number[] = [];
    const sameCalendar = async (from: string) => {
      const argv = ['calendar', '--from', from, '--days', '14', '--format', 'json'];
      const [onSqlite, onPostgres] = [await sqlite.cli(...argv), await postgres.cli('--db', url, ...argv)];
      expect(onSqlite.status, onSqlite.stderr).toBe(0);
      expect(onPostgres.status, onPostgres.stderr).toBe(0);
      expect(JSON.parse(onPostgres.stdout), `calendar from ${from}`).toEqual(JSON.parse(onSqlite.stdout));
      calendars.push((JSON.parse(onSqlite.stdout) as { items: unknown[] }).items.length);
    };
    const half = TICKS / 2;
    for (const [k, at] of [START, new Date(Date.parse(START) + half * 3_600_000).toISOString()].entries()) {
      await sameCalendar(at);
      const onSqlite = await sqlite.cli('worker', '--at', at, '--ticks', String(half), '--every', 'PT1H');
      expect(onSqlite.status, `half ${k}: ${onSqlite.stderr}`).toBe(0);
      const pgWorker = () => postgres.cli('--db', url, 'worker', '--at', at, '--ticks', String(half), '--every', 'PT1H', '--batch-size', '64');
      const onPostgres = await Promise.all([pgWorker(), pgWorker()]);
      for (const r of onPostgres) expect(r.status, r.stderr).toBe(0);
    }
    await sameCalendar(new Date(Date.parse(START) + TICKS * 3_600_000).toISOString());
    expect(calendars[0]).toBeGreaterThan(300);
    expect(calendars[1]).toBeGreaterThan(0);
    await Promise.all([sqliteSink.settled(), pgSink.settled()]);

    const ids = (sink: SmtpSink) => sink.messages.map((m) => m.messageId).sort();
    expect(ids(sqliteSink).length).toBeGreaterThan(300);
    expect(ids(pgSink)).toEqual(ids(sqliteSink));
    const tags = (sink: SmtpSink) => sink.messages.map((m) => `${m.headers.get('x-nurture-sequence')}/${m.headers.get('x-nurture-step')}/${m.headers.get('x-nurture-variant') ?? ''}`).sort();
    expect(tags(pgSink)).toEqual(tags(sqliteSink));
    expect(new Set(tags(pgSink).filter((t) => t.startsWith('new-signups/pain/')))).toEqual(new Set(['new-signups/pain/a', 'new-signups/pain/b']));

    const db = new Database(join(sqlite.dir, '.nurture', 'nurture.db'), { readonly: true });
    const pool = openPool(url, 1);
    try {
      const expected = db.prepare(SENDS).all();
      const { rows } = await pool.query(SENDS);
      expect(rows).toEqual(expected);
      expect(rows.filter((r) => r.status === 'sent').length).toBeGreaterThan(200);
      const { rows: runs } = await pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM runs GROUP BY status');
      expect(runs).toEqual([{ status: 'finished', n: TICKS }]);
      const { rows: workers } = await pool.query<{ n: number }>('SELECT count(DISTINCT worker_id)::int AS n FROM run_batches');
      // Two workers per half of the fortnight, each half's pair registered afresh.
      expect(workers[0]!.n).toBe(4);
    } finally {
      db.close();
      await pool.end();
    }
  },
  900_000,
);
