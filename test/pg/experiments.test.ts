import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, openRunApp, type PgApp } from '../../src/app.js';
import { ExperimentStore } from '../../src/db/experiment-queries.js';
import { experimentSummaries } from '../../src/run/experiment-summary.js';
import { forecastInThreads } from '../../src/run/forecast-threads.js';
import { experimentReadsPg } from '../../src/store/pg/experiments.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * `nurture experiments` on PostgreSQL: two experiments (clicks on the first touch, a goal on the
 * second) run on SQLite for a week, given people's clicks, opens, scanner clicks, an unsubscribe, a
 * complaint, meetings and a stored decision, then moved with `nurture db copy --to`: the listing
 * on PostgreSQL (arms, verdicts, decisions, and the power forecast from PostgreSQL's forecast) must
 * be SQLite's, and the states read from PostgreSQL must be SQLite's under the same forecast.
 */
const DAY0 = Date.parse('2026-11-02T15:00:00Z');
const DAY = 86_400_000;
const AT = DAY0 + 9 * DAY;

describe.runIf(PG_TESTS)('nurture experiments on PostgreSQL', () => {
  let cluster: PgCluster;
  let url: string;
  const ws = tempWorkspace();
  const clock = new TestClock(DAY0);
  const cli = cliIn(ws.dir, clock);

  beforeAll(async () => {
    cluster = await startPgCluster();
    appendFileSync(join(ws.dir, 'nurture.yaml'), '\ngoals:\n  - { id: meeting, event: meeting_booked, within: P14D }\n');
    const file = join(ws.dir, 'sequences', 'new-signups.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(
          '  - { id: pain,     force: push,    template: push-messy-data,           wait: P0D }',
          "  - { id: pain, force: push, template: push-messy-data, wait: P0D, variants: [{ id: a }, { id: b, subject: 'Quick question' }], experiment: { mode: test, metric: click, minExposure: 5 } }",
        )
        .replace(
          '  - { id: future,   force: pull,    template: pull-synced-data,          wait: P3D }',
          "  - { id: future, force: pull, template: pull-synced-data, wait: P3D, variants: [{ id: short }, { id: long, subject: 'Your data, synced' }], experiment: { mode: bandit, metric: 'goal:meeting' } }",
        ),
    );
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    for (let d = 0; d < 8; d++) {
      const run = await cli('run', '--at', new Date(DAY0 + d * DAY).toISOString());
      expect(run.status, run.stderr).toBe(0);
    }
    const db = new Database(join(ws.dir, '.nurture', 'nurture.db'));
    try {
      const sent = db.prepare("SELECT id, lead_id AS lead, sent_at AS at, variant FROM sends WHERE status = 'sent' AND variant IS NOT NULL ORDER BY id").all() as {
        id: number;
        lead: number;
        at: number;
        variant: string;
      }[];
      expect(new Set(sent.map((s) => s.variant))).toEqual(new Set(['a', 'b', 'short', 'long']));
      const event = db.prepare(
        "INSERT INTO events (lead_id, type, occurred_at, properties, dedupe_key, recorded_at, signal, send_id) VALUES (?, ?, ?, '{}', ?, ?, ?, ?)",
      );
      for (const s of sent) {
        const k = s.id % 10;
        const b = s.variant === 'b' || s.variant === 'long';
        if (k < (b ? 5 : 2)) event.run(s.lead, 'email_clicked', s.at + 3_600_000, `click-${s.id}`, s.at, 'human', s.id);
        if (k < 6) event.run(s.lead, 'email_opened', s.at + 3_000_000, `open-${s.id}`, s.at, k % 2 ? 'human' : 'machine', s.id);
        if (k === 7) event.run(s.lead, 'email_clicked', s.at + 1_000, `scan-${s.id}`, s.at, 'machine', s.id);
        if (s.id % 37 === 0) event.run(s.lead, 'unsubscribed', s.at + 7_200_000, `unsub-${s.id}`, s.at, '', s.id);
        if (s.id % 41 === 0) event.run(s.lead, 'complained', s.at + 7_200_000, `complaint-${s.id}`, s.at, '', s.id);
        // Meetings after the goal experiment's touch, some past `AT` (not counted yet).
        if ((s.variant === 'long' || s.variant === 'short') && s.id % (b ? 3 : 6) === 0)
          event.run(s.lead, 'meeting_booked', s.at + (s.id % 4) * DAY, `meeting-${s.id}`, s.at, '', null);
      }
      db.prepare(`INSERT INTO experiment_decisions (experiment, outcome, decided_at) VALUES ('new-signups/pain', '{"kind":"running","why":"kept"}', ?)`).run(AT - DAY);
    } finally {
      db.close();
    }
    url = await cluster.createDatabase('experiments');
    const copied = await cli('db', 'copy', '--to', url);
    expect(copied.status, copied.stderr).toBe(0);
    clock.set(AT);
  }, 240_000);
  afterAll(() => {
    cluster?.stop();
    ws.cleanup();
  });

  it('lists the same arms, counts, verdicts, decisions and power forecast as SQLite', async () => {
    const lite = await cli('experiments', '--json');
    expect(lite.status, lite.stderr).toBe(0);
    const want = JSON.parse(lite.stdout) as { experiments: { variants: { exposures: number; conversions: number }[]; power: { projected: number } }[] };
    expect(want.experiments).toHaveLength(2);
    for (const e of want.experiments) expect(e.variants.every((v) => v.exposures > 0 && v.conversions > 0)).toBe(true);
    expect(want.experiments.some((e) => e.power.projected > 0)).toBe(true);
    for (const argv of [['--json'], ['--json', '--at', new Date(AT - 4 * DAY).toISOString()], []]) {
      const a = await cli('experiments', ...argv);
      const b = await cli('experiments', ...argv, '--db', url);
      expect({ argv, status: b.status, stderr: b.stderr, out: b.stdout }).toEqual({ argv, status: 0, stderr: '', out: a.stdout });
    }
  });

  it('reads the same states from PostgreSQL as from SQLite, whatever forecast is counted', async () => {
    const env = { NURTURE_SECRET: 'test-secret' };
    const sqliteApp = openApp({ workspaceDir: ws.dir, env, clock });
    const pgApp = (await openRunApp({ workspaceDir: ws.dir, dbPath: url, env, clock })) as PgApp;
    try {
      const rules = { sequences: pgApp.workspace.sequences, goals: pgApp.workspace.config.goals };
      const projection = { forecast: (workspace: typeof pgApp.workspace, options: { from: number; to: number }) => forecastInThreads(sqliteApp.conn, workspace, options) };
      const got = await experimentSummaries(await experimentReadsPg(pgApp.store.pool, rules, AT), projection, pgApp.workspace, AT);
      const want = await experimentSummaries(new ExperimentStore(sqliteApp.conn.sqlite), projection, sqliteApp.workspace, AT);
      expect(got).toEqual(want);
    } finally {
      sqliteApp.close();
      await pgApp.close();
    }
  });
});
