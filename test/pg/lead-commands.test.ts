import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { expectSameRows as sameRows } from './same-tables.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** A Tuesday afternoon after the example events: three hourly runs have enrolled, planned and sent. */
const AT = '2026-11-24T15:00:00Z';
const HOUR = 3_600_000;

/**
 * The per-lead commands on PostgreSQL give what they give on SQLite: a workspace built on SQLite
 * with the CLI, moved with `db copy --to`, then each command run against both databases.
 */
describe.runIf(PG_TESTS)('per-lead commands on PostgreSQL', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  let url: string;
  let clock: TestClock;
  let cli: ReturnType<typeof cliIn>;
  /** The same command on SQLite and on PostgreSQL. */
  const both = async (...argv: string[]) => [await cli(...argv), await cli(...argv, '--db', url)] as const;
  const sqlitePath = () => join(ws.dir, '.nurture', 'nurture.db');

  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
    clock = new TestClock(Date.parse(AT));
    cli = cliIn(ws.dir, clock);
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', AT)).status).toBe(0);
    for (let h = 0; h < 3; h++) expect((await cli('run', '--at', new Date(Date.parse(AT) + h * HOUR).toISOString())).status).toBe(0);
    url = await cluster.createDatabase('leads');
    const copied = await cli('db', 'copy', '--to', url, '--json');
    expect(copied.status).toBe(0);
    clock.set(Date.parse(AT) + 3 * HOUR);
  }, 120_000);
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  /** Leads worth looking at: the first few, and the first with sends, a handoff, a consent log, a suppression, machine signals. */
  function sampleLeads(): string[] {
    const db = new Database(sqlitePath(), { readonly: true });
    try {
      const pick = (sql: string) => (db.prepare(sql).pluck().all() as string[]).filter(Boolean);
      return [
        ...new Set([
          ...pick('SELECT email FROM leads ORDER BY id LIMIT 3'),
          ...pick("SELECT l.email FROM leads l JOIN sends s ON s.lead_id = l.id WHERE s.status = 'sent' ORDER BY l.id LIMIT 3"),
          ...pick("SELECT l.email FROM leads l JOIN sends s ON s.lead_id = l.id WHERE s.status = 'planned' ORDER BY l.id LIMIT 2"),
          ...pick('SELECT l.email FROM leads l JOIN handoffs h ON h.lead_id = l.id ORDER BY l.id LIMIT 2'),
          ...pick('SELECT l.email FROM leads l JOIN consent_log c ON c.lead_id = l.id ORDER BY l.id LIMIT 2'),
          ...pick('SELECT email FROM leads WHERE suppressed_reason IS NOT NULL ORDER BY id LIMIT 2'),
          ...pick("SELECT l.email FROM leads l JOIN events e ON e.lead_id = l.id WHERE e.signal = 'machine' ORDER BY l.id LIMIT 2"),
          ...pick('SELECT l.email FROM leads l JOIN score_history h ON h.lead_id = l.id GROUP BY l.id HAVING count(*) > 1 ORDER BY l.id LIMIT 2'),
        ]),
      ];
    } finally {
      db.close();
    }
  }

  it('reads: leads list (filters, formats), leads show, explain, score --lead, handoff and preview print the same', async () => {
    const leads = sampleLeads();
    expect(leads.length).toBeGreaterThanOrEqual(8);
    const commands: string[][] = [
      ['leads', 'list', '--json'],
      ['leads', 'list', '--format', 'csv'],
      ['leads', 'list'],
      ['leads', 'list', '--stage', 'interest', '--json'],
      ['leads', 'list', '--sequence', 'new-signups', '--format', 'csv'],
      ['leads', 'list', '--where', 'country=de', '--where', 'attributes.company_size=11-50', '--json'],
      ['leads', 'list', '--where', 'consent=CONFIRMED', '--limit', '7', '--json'],
      ['handoff', '--json'],
      ['handoff', '--format', 'csv'],
      ['handoff'],
      ['score', '--lead', leads[0]!, '--json'],
      ['score', '--lead', leads[0]!, '--explain'],
      ['preview', 'new-signups', 'pain', '--lead', leads[0]!, '--json'],
      ...leads.flatMap((lead) => [
        ['leads', 'show', lead, '--json'],
        ['explain', lead, '--json'],
      ]),
      ['leads', 'show', leads[3]!],
      ['explain', leads[3]!],
      ['explain', leads[3]!, '--at', '2026-12-01T10:00:00Z', '--json'],
    ];
    let listed = 0;
    for (const argv of commands) {
      const [onSqlite, onPostgres] = await both(...argv);
      expect({ argv, ...onPostgres }).toEqual({ argv, ...onSqlite });
      expect({ argv, status: onSqlite.status }).toEqual({ argv, status: 0 });
      if (argv[1] === 'list' && argv.includes('--json')) listed += (JSON.parse(onSqlite.stdout) as { count: number }).count;
    }
    // The filters matched something (an empty list on both would prove little).
    expect(listed).toBeGreaterThan(300);
    const explained = JSON.parse((await cli('explain', leads[3]!, '--json', '--db', url)).stdout) as { sends: unknown[]; upcoming: unknown[] };
    expect(explained.sends.length + explained.upcoming.length).toBeGreaterThan(0);
  }, 300_000);

  it('says the same of what is wrong, on both databases', async () => {
    for (const argv of [
      ['leads', 'show', 'nobody@example.com'],
      ['explain', 'nobody@example.com'],
      ['score', '--lead', 'nobody@example.com'],
      ['leads', 'pause', 'nobody@example.com'],
      ['leads', 'list', '--stage', 'hot'],
      ['leads', 'list', '--sequence', 'nope'],
      ['leads', 'list', '--where', 'shoe=42'],
      ['preview', 'new-signups', 'nope', '--lead', 'nobody@example.com'],
    ]) {
      const [onSqlite, onPostgres] = await both(...argv);
      expect(onSqlite.status).toBe(1);
      expect({ argv, ...onPostgres }).toEqual({ argv, ...onSqlite });
    }
  }, 120_000);

  it('writes: score, pause and resume leave the same rows, the pause wakes the lead, and the next run honours it alike', async () => {
    const lead = sampleLeads().find((l) => l.includes('@'))!;
    const db = new Database(sqlitePath(), { readonly: true });
    const [pausedEmail] = db.prepare("SELECT l.email FROM leads l JOIN sends s ON s.lead_id = l.id WHERE s.status = 'planned' ORDER BY l.id LIMIT 1").pluck().all() as string[];
    db.close();
    expect(pausedEmail).toBeDefined();
    clock.set(Date.parse(AT) + 4 * HOUR);
    const [scoredSqlite, scoredPg] = await both('score', '--json');
    expect(scoredSqlite.status).toBe(0);
    expect(scoredPg).toEqual(scoredSqlite);
    await expectSameRows(['score_history', 'handoffs']);

    const [pausedSqlite, pausedPg] = await both('leads', 'pause', pausedEmail!, '--until', '2026-12-02', '--json');
    expect(pausedSqlite.status).toBe(0);
    expect(pausedPg).toEqual(pausedSqlite);
    const [resumedSqlite, resumedPg] = await both('leads', 'resume', lead, '--json');
    expect(resumedPg).toEqual(resumedSqlite);
    await expectSameRows(['leads']);
    // A pause is a planner input: the lead is due again for the next (incremental) run.
    const pool = openPool(url, 1);
    try {
      const { rows } = await pool.query<{ wake_at: number }>('SELECT wake_at FROM leads WHERE email = $1', [pausedEmail]);
      expect(rows[0]!.wake_at).toBe(0);
    } finally {
      await pool.end();
    }

    for (let h = 5; h < 8; h++) {
      // The clock at the run's moment: runOnce stamps rows with the clock, a tick with its moment.
      clock.set(Date.parse(AT) + h * HOUR);
      const at = new Date(clock.now()).toISOString();
      const [runSqlite, runPg] = await both('run', '--at', at, '--json');
      expect(runSqlite.status).toBe(0);
      expect(runPg.status).toBe(0);
    }
    await expectSameRows(['sends', 'enrollments']);
    const [showSqlite, showPg] = await both('leads', 'show', pausedEmail!, '--json');
    expect(showPg).toEqual(showSqlite);
    expect(JSON.parse(showSqlite.stdout).noMail.cause).toBe('paused');
  }, 300_000);

  it('events reclassify: the same classes, counts and wakes on both, from scrambled signals', async () => {
    const scramble = `UPDATE events SET signal = CASE WHEN signal = 'human' THEN 'machine' ELSE 'human' END, signal_reason = 'scrambled'
      WHERE type IN ('email_opened', 'email_clicked')`;
    const sqlite = new Database(sqlitePath());
    const scrambled = sqlite.prepare(scramble).run().changes;
    sqlite.close();
    expect(scrambled).toBeGreaterThan(20);
    const pool = openPool(url, 1);
    try {
      expect((await pool.query(scramble)).rowCount).toBe(scrambled);
    } finally {
      await pool.end();
    }
    const [onSqlite, onPostgres] = await both('events', 'reclassify', '--json');
    expect(onSqlite.status, onSqlite.stderr).toBe(0);
    expect(onPostgres).toEqual(onSqlite);
    const counts = JSON.parse(onSqlite.stdout) as { examined: number; changed: number };
    expect(counts).toMatchObject({ examined: scrambled, changed: scrambled });
    // input_version too: an update that keeps its lead bumps it once on both (migrations/pg/0003).
    await expectSameRows(['events']);
    await expectSameRows(['leads']);
    const [again, againPg] = await both('events', 'reclassify', '--json');
    expect(againPg).toEqual(again);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: 0 });
  }, 120_000);

  it('score on three hosts at once adds what one score adds on SQLite: no history row twice, each handoff once', async () => {
    clock.set(Date.parse(AT) + 30 * HOUR);
    const history = 'SELECT lead_id, at, score, fit, engagement, stage, cause FROM score_history ORDER BY lead_id, at, score, stage';
    const onSqlite = await cli('score', '--json');
    expect(onSqlite.status, onSqlite.stderr).toBe(0);
    const concurrent = await Promise.all([1, 2, 3].map(() => cli('score', '--json', '--db', url)));
    for (const r of concurrent) expect(r.status, r.stderr).toBe(0);
    const handoffs = (r: { stdout: string }) => (JSON.parse(r.stdout) as { handoffs: number }).handoffs;
    expect(concurrent.reduce((n, r) => n + handoffs(r), 0)).toBe(handoffs(onSqlite));
    const sqlite = new Database(sqlitePath(), { readonly: true });
    const pool = openPool(url, 1);
    try {
      const expected = sqlite.prepare(history).all();
      const added = sqlite.prepare('SELECT count(*) FROM score_history WHERE at = ?').pluck().get(clock.now()) as number;
      expect(added).toBeGreaterThan(0);
      expect((await pool.query(history)).rows).toEqual(expected);
    } finally {
      sqlite.close();
      await pool.end();
    }
    await expectSameRows(['handoffs']);
  }, 120_000);

  /** These tables row for row (test/pg/same-tables.ts). */
  function expectSameRows(tables: string[]): Promise<void> {
    return sameRows(sqlitePath(), url, tables);
  }
});
