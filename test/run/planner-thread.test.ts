import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp, runDeps } from '../../src/app.js';
import { planContext, storesFor } from '../../src/run/context.js';
import { plansWithThread } from '../../src/run/planner-thread.js';
import { type RunReport, runOnce } from '../../src/run/run.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * A large base is planned in a worker thread while the main thread writes (src/run/planner-thread.ts).
 * Both ways must run the very same plan: the example workspace, run side by side for a week with
 * and without the thread, ends with identical reports and identical tables.
 */
const DAY0 = Date.parse('2026-11-23T00:00:00Z');
const HOUR = 3_600_000;
const RUN_HOURS = [9, 15];

async function exampleApp(clock: TestClock): Promise<{ app: App; cleanup: () => void }> {
  const ws = tempWorkspace();
  const cli = cliIn(ws.dir, clock);
  expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
  expect((await cli('events', 'import', 'examples/events.csv')).status).toBe(0);
  const app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test-secret' }, clock });
  return {
    app,
    cleanup: () => {
      app.close();
      ws.cleanup();
    },
  };
}

/**
 * The tables that record plans, by content. Row ids are left out: two batches in flight (one
 * sending, the next being written) interleave their inserts differently from run to run.
 */
function tables(app: App): Record<string, unknown[]> {
  const all = (sql: string) => app.conn.sqlite.prepare(sql).all();
  return {
    enrollments: all('SELECT lead_id, sequence_id, status, enrolled_at, ended_at, reason, run_id FROM enrollments ORDER BY lead_id, sequence_id'),
    sends: all(
      `SELECT lead_id, sequence_id, step_id, force, status, planned_at, due_at, sent_at, reason, ref, message_id, attempts,
         last_response, run_id, updated_at FROM sends ORDER BY lead_id, sequence_id, step_id`,
    ),
    scores: all('SELECT id, score, fit_score, engagement_score, stage, scored_at FROM leads ORDER BY id'),
    history: all('SELECT lead_id, at, score, fit, engagement, stage, cause FROM score_history ORDER BY lead_id, at, cause'),
    handoffs: all('SELECT lead_id, at, reason, score FROM handoffs ORDER BY lead_id'),
  };
}

/** A report with its lists in a fixed order (see `tables` on why the order of writing varies). */
function normalized(report: RunReport) {
  const sorted = <T>(items: T[]) => items.map((i) => JSON.stringify(i)).sort();
  return { ...report, run: null, sent: sorted(report.sent), planned: sorted(report.planned), skipped: sorted(report.skipped), failed: sorted(report.failed) };
}

describe('planning in a worker thread', () => {
  const clock = new TestClock(DAY0);
  let inProcess: Awaited<ReturnType<typeof exampleApp>>;
  let threaded: Awaited<ReturnType<typeof exampleApp>>;
  const reports: { inProcess: RunReport[]; threaded: RunReport[] } = { inProcess: [], threaded: [] };

  beforeAll(async () => {
    inProcess = await exampleApp(clock);
    threaded = await exampleApp(clock);
    for (let day = 0; day < 7; day++) {
      for (const hour of RUN_HOURS) {
        const at = DAY0 + day * 24 * HOUR + hour * HOUR;
        clock.set(at);
        // Small batches, so that several are planned ahead of the writer in every run, some by the
        // thread and some by the main thread (it plans while the thread holds its two).
        // The day's first run replans everyone (--full); the others are incremental, so the thread
        // also plans the scattered due leads of an incremental run.
        const options = { at, batchSize: 40, listPlanned: true, full: hour === RUN_HOURS[0] };
        reports.inProcess.push(await runOnce(runDeps(inProcess.app), { ...options, planThread: false }));
        reports.threaded.push(await runOnce(runDeps(threaded.app), { ...options, planThread: 'wait' }));
      }
    }
  }, 300_000);

  afterAll(() => {
    inProcess?.cleanup();
    threaded?.cleanup();
  });

  it('sends, plans and skips exactly what the in-process planner does, run after run', () => {
    expect(reports.threaded.length).toBe(14);
    expect(reports.threaded.map(normalized)).toEqual(reports.inProcess.map(normalized));
    // The comparison means something: the runs enrolled, planned and sent.
    const total = (key: string) => reports.threaded.reduce((n, r) => n + (r.counts[key] ?? 0), 0);
    expect(total('enrolled')).toBeGreaterThan(100);
    expect(total('sent')).toBeGreaterThan(100);
    expect(total('planned')).toBeGreaterThan(500);
    expect(total('asleep')).toBeGreaterThan(100);
  });

  it('leaves the same enrolments, outbox, scores, score history and handoffs', () => {
    expect(tables(threaded.app)).toEqual(tables(inProcess.app));
  });

  it('plans every lead in process when the thread cannot start (here: no database where it looks)', async () => {
    const { app } = threaded;
    const plans = plansWithThread(planContext(app.workspace), storesFor(app.conn), {
      dbPath: join(app.workspace.dir, 'missing', 'nurture.db'),
      config: app.workspace.config,
      sequences: app.workspace.sequenceDefinitions,
      batchSize: 40,
      options: { now: clock.now(), listPlanned: false },
      waitForThread: true,
    });
    let leads = 0;
    for await (const plan of plans) leads += plan.leads;
    expect(leads).toBe(app.stores.leads.count());
  });
});
