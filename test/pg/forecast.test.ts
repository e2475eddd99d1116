import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp, openRunApp, type PgApp } from '../../src/app.js';
import { openPool } from '../../src/db/pg/connection.js';
import { leadRef } from '../../src/run/lead-ref.js';
import { registerReviewRoutes } from '../../src/web/review-routes.js';
import { Router } from '../../src/web/router.js';
import { serve } from '../../src/web/server.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** Monday 2026-11-23 00:00 UTC, after the example events. */
const START = '2026-11-23T00:00:00Z';
/** Mid-afternoon of the second day: a day whose send-time mark the ticks kept. */
const FROM = '2026-11-24T15:30:00Z';

/** The example workspace with a bandit on the first touch and send-time optimisation (what the context reads), two days of hourly ticks. */
async function workspaceAfterTicks() {
  const ws = tempWorkspace();
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
  writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}\nsendTime: { optimize: true }\n`);
  const cli = cliIn(ws.dir, new TestClock(Date.parse(FROM)), { NURTURE_SECRET: 'forecast', NURTURE_SMTP_URL: 'file:./outbox' });
  expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
  expect((await cli('events', 'import', 'examples/events.csv', '--at', START)).status).toBe(0);
  const ticks = await cli('worker', '--at', START, '--ticks', '39', '--every', 'PT1H');
  expect(ticks.status, ticks.stderr).toBe(0);
  return { ws, cli };
}

describe.runIf(PG_TESTS)('the forecast on PostgreSQL', () => {
  let cluster: PgCluster;
  let url: string;
  let ws: ReturnType<typeof tempWorkspace>;
  let cli: ReturnType<typeof cliIn>;
  const dirs: string[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster();
    ({ ws, cli } = await workspaceAfterTicks());
    url = await cluster.createDatabase('forecast');
    const copied = await cli('db', 'copy', '--to', url);
    expect(copied.status, copied.stderr).toBe(0);
  }, 300_000);
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The same command on SQLite and on PostgreSQL: same status, same output. */
  async function both(...argv: string[]) {
    const onSqlite = await cli(...argv);
    const onPostgres = await cli('--db', url, ...argv);
    expect(onPostgres.stderr).toBe(onSqlite.stderr);
    expect(onPostgres.status).toBe(onSqlite.status);
    return { onSqlite, onPostgres };
  }

  it('calendar --format json: the same touches, in the same order, as SQLite gives', async () => {
    const { onSqlite, onPostgres } = await both('calendar', '--from', FROM, '--days', '21', '--format', 'json');
    expect(onSqlite.status, onSqlite.stderr).toBe(0);
    const items = (JSON.parse(onSqlite.stdout) as { items: { reason?: string }[] }).items;
    expect(items.length).toBeGreaterThan(100);
    expect(items.some((i) => i.reason?.includes('send-time: '))).toBe(true);
    expect(JSON.parse(onPostgres.stdout)).toEqual(JSON.parse(onSqlite.stdout));
    // --sequence keeps each touch's own instant (SQLite's single-thread forecast once sorted by a neighbour's).
    const filtered = JSON.parse((await cli('calendar', '--from', FROM, '--days', '21', '--sequence', 'new-signups', '--format', 'json')).stdout) as { items: { sequence: string }[] };
    const all = items as unknown as { sequence: string }[];
    expect(new Set(all.map((i) => i.sequence)).size).toBeGreaterThan(1);
    expect(filtered.items).toEqual(all.filter((i) => i.sequence === 'new-signups'));
  });

  it('every option and format: --to, --lead, --sequence, --by, table, csv, ics', async () => {
    const lead = (JSON.parse((await cli('calendar', '--from', FROM, '--format', 'json')).stdout) as { items: { lead: string }[] }).items[7]!.lead;
    const cases = [
      ['calendar', '--from', FROM, '--to', '2026-12-20'],
      ['calendar', '--from', FROM, '--days', '30', '--format', 'csv'],
      ['calendar', '--from', FROM, '--days', '10', '--format', 'ics'],
      ['calendar', '--from', FROM, '--lead', lead.toUpperCase(), '--format', 'json'],
      ['calendar', '--from', FROM, '--sequence', 'new-signups', '--format', 'json'],
      ['calendar', '--from', FROM, '--by', 'day', '--format', 'json'],
      ['calendar', '--from', FROM, '--by', 'sequence'],
      ['calendar', '--from', FROM, '--by', 'force', '--format', 'csv'],
      ['calendar', '--from', FROM, '--by', 'day', '--format', 'ics'],
      ['calendar', '--from', '2026-12-07', '--days', '14', '--json'],
    ];
    for (const argv of cases) {
      const { onSqlite, onPostgres } = await both(...argv);
      expect(onSqlite.status, `${argv.join(' ')}: ${onSqlite.stderr}`).toBe(0);
      expect(onSqlite.stdout.length, argv.join(' ')).toBeGreaterThan(100);
      expect(onPostgres.stdout, argv.join(' ')).toBe(onSqlite.stdout);
    }
  });

  it('bad input is refused with the same message on both: an unknown lead, an unknown sequence', async () => {
    const noLead = await both('calendar', '--from', FROM, '--lead', 'nobody@example.com');
    expect(noLead.onPostgres.status).toBe(1);
    expect(noLead.onPostgres.stderr).toContain('--lead: no lead with address nobody@example.com');
    const noSequence = await both('calendar', '--sequence', 'nope');
    expect(noSequence.onPostgres.status).toBe(1);
    expect(noSequence.onPostgres.stderr).toContain('--sequence: no sequence "nope"');
  });

  it('writes nothing: not even the day\'s send-time mark a tick would keep', async () => {
    const pool = openPool(url, 1);
    const snapshot = async () => {
      const tables = ['plan_state', 'runs', 'sends', 'enrollments', 'experiment_decisions', 'leads'];
      const out: Record<string, unknown> = {};
      for (const t of tables) out[t] = (await pool.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h, count(*)::int AS n FROM ${t} t`)).rows[0];
      return out;
    };
    try {
      const before = await snapshot();
      // A day no tick has reached: SQLite's forecast reads the newest event as the mark, and keeps nothing.
      const { onSqlite, onPostgres } = await both('calendar', '--from', '2026-12-01T10:00:00Z', '--days', '7', '--format', 'json');
      expect(onSqlite.status).toBe(0);
      expect(onPostgres.stdout).toBe(onSqlite.stdout);
      expect(await snapshot()).toEqual(before);
    } finally {
      await pool.end();
    }
  });

  it('a worker\'s uncommitted batch neither blocks the forecast nor shows in it (one read-only snapshot)', async () => {
    const pool = openPool(url, 1);
    const writer = await pool.connect();
    try {
      // What a tick holds while it plans a batch: row locks on leads, plan rows written, not committed.
      await writer.query('BEGIN');
      await writer.query('SELECT id FROM leads ORDER BY id LIMIT 100 FOR UPDATE');
      await writer.query(`UPDATE leads SET consent = 'unsubscribed', suppressed_reason = 'unsubscribed' WHERE id <= 100`);
      await writer.query(`DELETE FROM sends WHERE status = 'planned'`);
      const { onSqlite, onPostgres } = await both('calendar', '--from', FROM, '--days', '14', '--format', 'json');
      expect(onSqlite.status).toBe(0);
      expect(JSON.parse(onPostgres.stdout)).toEqual(JSON.parse(onSqlite.stdout));
    } finally {
      await writer.query('ROLLBACK');
      writer.release();
      await pool.end();
    }
  });

  it('nurture diff --base: the same plan diff on both', async () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'nurture-base-pg-'));
    dirs.push(baseDir);
    for (const f of ['nurture.yaml', 'sequences', 'templates']) cpSync(join(ws.dir, f), join(baseDir, f), { recursive: true });
    const file = join(baseDir, 'sequences', 'new-signups.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(template: pull-synced-data, +wait: )P3D/, '$1P6D'));
    const json = await both('diff', '--base', baseDir, '--from', FROM, '--days', '21', '--json');
    expect(json.onSqlite.status, json.onSqlite.stderr).toBe(0);
    const diff = JSON.parse(json.onPostgres.stdout) as { moved: unknown[]; leadsChanged: string[] };
    expect(diff.moved.length).toBeGreaterThan(0);
    expect(diff).toEqual(JSON.parse(json.onSqlite.stdout));
    const text = await both('diff', '--base', baseDir, '--from', FROM, '--days', '21');
    expect(text.onPostgres.stdout).toBe(text.onSqlite.stdout);
    const bad = await both('diff', '--base', join(baseDir, 'missing'), '--from', FROM);
    expect(bad.onPostgres.status).toBe(1);
  });
  it('run --dry-run: the same report as SQLite\'s dry run, nothing written on PostgreSQL, no mail', async () => {
    const pool = openPool(url, 1);
    const outbox = () => (existsSync(join(ws.dir, 'outbox')) ? readdirSync(join(ws.dir, 'outbox')).length : 0);
    const snapshot = async () => {
      const { rows: tables } = await pool.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
      const out: Record<string, unknown> = {};
      for (const { name } of tables) out[name] = (await pool.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`)).rows[0];
      return out;
    };
    type Report = Record<string, unknown> & { sent: unknown[]; planned: unknown[]; skipped: unknown[]; failed: unknown[] };
    // Items in a canonical order: SQLite's pipelined run interleaves batches' items, the dry tick lists them batch by batch.
    const canonical = (r: Report) => {
      const sorted = (list: unknown[]) => list.map((i) => JSON.stringify(i)).sort();
      return { ...r, sent: sorted(r.sent), planned: sorted(r.planned), skipped: sorted(r.skipped), failed: sorted(r.failed) };
    };
    try {
      const before = await snapshot();
      const mailBefore = outbox();
      let sent = 0;
      for (const at of [FROM, '2026-11-25T16:00:00Z']) {
        const { onSqlite, onPostgres } = await both('run', '--at', at, '--dry-run', '--json');
        expect(onSqlite.status, onSqlite.stderr).toBe(0);
        const [expected, actual] = [JSON.parse(onSqlite.stdout) as Report, JSON.parse(onPostgres.stdout) as Report];
        expect(actual.dryRun).toBe(true);
        expect(actual.run).toBeNull();
        expect(actual.planned.length).toBeGreaterThan(50);
        expect(canonical(actual)).toEqual(canonical(expected));
        sent += actual.sent.length;
        // The summary line (counts) is the same in the human output.
        const text = await both('run', '--at', at, '--dry-run');
        expect(text.onPostgres.stdout.split('\n')[0]).toBe(text.onSqlite.stdout.split('\n')[0]);
        expect(text.onPostgres.stdout.split('\n')[0]).toMatch(/^Dry run at /);
      }
      expect(sent).toBeGreaterThan(0);
      expect(await snapshot()).toEqual(before);
      expect(outbox()).toBe(mailBefore);
    } finally {
      await pool.end();
    }
  });

  describe('the review pages over HTTP, on a PgApp and on SQLite\'s App', () => {
    const apps: (App | PgApp)[] = [];
    const servers: Server[] = [];
    afterAll(async () => {
      for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const app of apps) await app.close();
    });

    /** The review routes alone (the login gate is serve's, tested there), served on a free port. */
    async function served(app: App | PgApp): Promise<string> {
      return (await servedWith(app)).base;
    }
    async function servedWith(app: App | PgApp): Promise<{ base: string; server: Server }> {
      apps.push(app);
      const server = await serve(registerReviewRoutes(new Router(), app), { host: '127.0.0.1', port: 0 });
      servers.push(server);
      return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
    }
    const options = (dbPath?: string) => ({
      workspaceDir: ws.dir,
      ...(dbPath ? { dbPath } : {}),
      env: { NURTURE_SECRET: 'forecast', NURTURE_SMTP_URL: 'file:./outbox' },
      clock: new TestClock(Date.parse(FROM)),
    });

    it('every review page and its JSON: the same body from PostgreSQL as from SQLite', async () => {
      const baseDir = join(ws.dir, 'base');
      for (const f of ['nurture.yaml', 'sequences', 'templates']) cpSync(join(ws.dir, f), join(baseDir, f), { recursive: true });
      const file = join(baseDir, 'sequences', 'new-signups.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(template: pull-synced-data, +wait: )P3D/, '$1P6D'));
      const onSqlite = await served(openApp(options()));
      const pgApp = await openRunApp(options(url));
      expect('kind' in pgApp && pgApp.kind).toBe('postgres');
      const onPostgres = await served(pgApp);
      const items = (JSON.parse((await cli('calendar', '--from', FROM, '--days', '90', '--format', 'json')).stdout) as { items: { lead: string; at: string }[] }).items;
      const day = items[3]!.at.slice(0, 10);
      const paths = [
        '/calendar',
        '/api/calendar/summary',
        '/api/calendar/events?start=2026-11-23&end=2027-01-04',
        '/api/calendar/events?start=2026-11-23&end=2027-01-04&sequence=new-signups&stage=interest',
        '/api/calendar/marks?start=2026-11-23&end=2027-01-04',
        `/api/calendar/touches?day=${day}`,
        `/leads/${leadRef('forecast', items[0]!.lead)}`,
        `/leads/${leadRef('forecast', items[items.length - 1]!.lead)}`,
        '/leads/0123456789abcdef0123',
        '/sequences/new-signups',
        '/diff?base=base&days=21',
        '/diff?base=..%2Foutside',
      ];
      for (const path of paths) {
        const [a, b] = [await fetch(`${onSqlite}${path}`), await fetch(`${onPostgres}${path}`)];
        const [expected, actual] = [await a.text(), await b.text()];
        expect(b.status, path).toBe(a.status);
        expect(actual.length, path).toBeGreaterThan(10);
        expect(actual, path).toBe(expected);
      }
      // The marks and touches are not empty answers.
      expect((await (await fetch(`${onPostgres}/api/calendar/touches?day=${day}`)).json()) as unknown).not.toEqual({ items: [] });
      expect(await (await fetch(`${onPostgres}/diff?base=base&days=21`)).text()).toMatch(/moved/);
    }, 120_000);

    it('keeps answering while a cold calendar of 20,000 leads is planned from PostgreSQL', async () => {
      const big = await cluster.createDatabase('review_big');
      expect((await cli('db', 'copy', '--to', big)).status).toBe(0);
      const pool = openPool(big, 1);
      try {
        await pool.query(
          `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
             SELECT 'lead' || n || '@company' || (n % 97) || '.example', 'VP Marketing', 'SaaS', 'US', 'America/Chicago', 'confirmed', '{}', 0, 0
               FROM generate_series(1, 20000) AS n`,
        );
      } finally {
        await pool.end();
      }
      const { base, server } = await servedWith(await openRunApp(options(big)));
      const done: string[] = [];
      // The page is asked for once the server has the calendar request in hand (its build under way).
      const received = new Promise<void>((resolve) =>
        server.on('request', (request: IncomingMessage) => {
          if (request.url === '/api/calendar/summary') resolve();
        }),
      );
      const calendar = fetch(`${base}/api/calendar/summary`).then(async (response) => {
        const body = await response.text();
        done.push('calendar');
        return { status: response.status, body };
      });
      await received;
      const page = await fetch(`${base}/calendar`);
      done.push('page');
      expect(page.status).toBe(200);
      const answered = await calendar;
      expect(answered.status).toBe(200);
      expect(answered.body.length).toBeGreaterThan(100);
      expect(done).toEqual(['page', 'calendar']);
    }, 120_000);
  });
});
