import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgBatchStore } from '../../src/store/postgres.js';
import { type Child, nurtureChild, stopChildren, within } from '../delivery/fixture.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** Tuesday 2026-11-24 15:00 UTC: inside the window in New York and Europe. */
const AT = Date.parse('2026-11-24T15:00:00Z');

let cluster: PgCluster | undefined;
let sink: SmtpSink | undefined;
let ws: ReturnType<typeof tempWorkspace> | undefined;
const children: Child[] = [];
beforeAll(async () => {
  if (PG_TESTS) cluster = await startPgCluster();
});
afterAll(async () => {
  await stopChildren(children);
  await sink?.close();
  cluster?.stop();
  ws?.cleanup();
});

it.runIf(PG_TESTS)(
  'idle workers are woken by NOTIFY when a tick is laid out, share its batches, and stop on SIGTERM marked as stopped',
  async () => {
    sink = await startSmtpSink();
    ws = tempWorkspace();
    const cli = cliIn(ws.dir, new TestClock(AT));
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    const url = cluster!.url;
    expect((await cli('db', 'copy', '--to', url)).status).toBe(0);
    // Their own schedule is daily (the next midnight): only the notification brings them to this tick.
    const workers = [0, 1].map(() => {
      const child = nurtureChild(ws!.dir, sink!.url, ['--db', url, 'worker', '--every', 'P1D']);
      children.push(child);
      return child;
    });
    const store = await PgBatchStore.open(url, 2);
    try {
      for (const w of workers) await within(w.stdoutIncludes('on PostgreSQL: a run every P1D'), 60_000, `a worker to announce itself (stderr: ${w.stderr()})`);
      const tick = await store.electTick(AT, AT, 25, () => ({ mode: 'full', why: 'asked (--full)', digest: '' }));
      expect(tick).toMatchObject({ elected: true, batches: 12 });
      for (const w of workers) await within(w.stdoutIncludes(`Run #${tick.runId} at 2026-11-24T15:00:00.000Z`), 60_000, `a worker's share (stderr: ${w.stderr()})`);
      // The share that ended last closed the run before printing.
      expect(await store.runStatus(tick.runId)).toBe('finished');
      const { rows: planners } = await store.pool.query<{ workerId: number; batches: number }>(
        `SELECT worker_id AS "workerId", count(*)::int AS batches FROM run_batches WHERE run_id = $1 GROUP BY worker_id ORDER BY worker_id`,
        [tick.runId],
      );
      expect(planners.map((p) => p.workerId)).toEqual([1, 2]);
      expect(planners.reduce((n, p) => n + p.batches, 0)).toBe(12);
      const { rows: counts } = await store.pool.query<{ counts: string }>('SELECT counts FROM runs WHERE id = $1', [tick.runId]);
      expect(JSON.parse(counts[0]!.counts)).toMatchObject({ leads: 300 });

      for (const w of workers) w.process.kill('SIGTERM');
      for (const w of workers) {
        expect(await within(w.exited, 15_000, 'a worker to stop')).toEqual({ code: 0, signal: null });
        expect(w.stdout()).toContain('Nurture worker stopped.');
      }
      const { rows: stopped } = await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM workers WHERE stopped_at IS NOT NULL');
      expect(stopped).toEqual([{ n: 2 }]);
    } finally {
      await store.close();
    }
  },
  180_000,
);
