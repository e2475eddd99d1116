import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { syncIdentities } from '../../src/db/pg/identity.js';
import { migratePostgres } from '../../src/db/pg/migrate.js';
import { PgBatchStore } from '../../src/store/postgres.js';
import type { PlanRows } from '../../src/store/types.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';

const T = Date.parse('2026-03-02T15:00:00Z');
const HOUR = 3_600_000;
const plan = (p: Partial<PlanRows>): PlanRows => ({ leads: 0, enrolls: [], ends: [], plans: [], stepSkips: [], scores: [], sends: [], ...p });

/** What only PostgreSQL's store promises: several workers on separate connections, at once. */
describe.runIf(PG_TESTS)('the PostgreSQL store with several workers', () => {
  let cluster: PgCluster;
  let n = 0;
  let url: string;
  let admin: pg.Pool;
  let workers: PgBatchStore[];
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster?.stop());
  beforeEach(async () => {
    url = await cluster.createDatabase(`workers_${++n}`);
    admin = openPool(url, 2);
    await migratePostgres(admin);
    const values = Array.from({ length: 30 }, (_, k) => `(${k + 1}, 'w${k + 1}@example.com', 'confirmed', 0, 0)`).join(', ');
    await admin.query(`INSERT INTO leads (id, email, consent, created_at, updated_at) VALUES ${values}`);
    await syncIdentities(admin);
    workers = await Promise.all([1, 2, 3].map(() => PgBatchStore.open(url, 3)));
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await admin.end();
  });

  it('three workers starting the same tick elect one run', async () => {
    const ticks = await Promise.all(workers.map((w) => w.beginTick(T, T)));
    expect(ticks.filter((t) => t.elected)).toHaveLength(1);
    expect(new Set(ticks.map((t) => t.runId)).size).toBe(1);
  });

  it('claims skip the batches other workers hold, without waiting for them', async () => {
    const { runId } = await workers[0]!.beginTick(T, T);
    expect(await workers[0]!.layOutBatches(runId, 10)).toBe(3);
    const held = await Promise.all(workers.map((w, k) => w.claimBatch(runId, k + 1)));
    expect(held.map((c) => c!.batch.batchNo).sort()).toEqual([0, 1, 2]);
    // All three are held: a fourth claim finds nothing free rather than blocking.
    const extra = await PgBatchStore.open(url, 1);
    expect(await extra.claimBatch(runId, 4)).toBeUndefined();
    await extra.close();
    await Promise.all(held.map((c) => c!.commit(plan({ leads: 10 }), T + 1)));
    expect(await workers[1]!.finishTick(runId, T + 2, {})).toBe(true);
  });

  it("a killed worker's batch is free again at once, and nothing of its plan was written", async () => {
    const { runId } = await workers[0]!.beginTick(T, T);
    await workers[0]!.layOutBatches(runId, 10);
    const doomed = (await workers[0]!.claimBatch(runId, 1))!;
    expect(doomed.batch.batchNo).toBe(0);
    await doomed.load(10);
    // The worker's connection dies mid-transaction (its host went away): the server ends its session.
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await expect(doomed.commit(plan({ leads: 10, enrolls: [{ leadId: 1, sequenceId: 'welcome', reason: 'x' }] }), T + 1)).rejects.toThrow();

    const next = (await workers[1]!.claimBatch(runId, 2))!;
    expect(next.batch.batchNo).toBe(0);
    await next.release();
    expect((await admin.query('SELECT count(*) AS n FROM enrollments')).rows[0].n).toBe(0);
  });

  it('an unchanged replan writes no new row version; a changed one does', async () => {
    const store = workers[0]!;
    const first = await store.beginTick(T, T);
    await store.layOutBatches(first.runId, 30);
    const written = await (await store.claimBatch(first.runId, 1))!.commit(
      plan({
        enrolls: [{ leadId: 1, sequenceId: 'welcome', reason: 'x' }],
        plans: [{ leadId: 1, sequenceId: 'welcome', stepId: 'intro', force: 'push', enrollmentId: 0, plannedAt: T + HOUR, dueAt: T + HOUR, reason: 'first' }],
      }),
      T,
    );
    const enrollmentId = written.enrollmentIds.get('1:welcome')!;
    const version = async () => (await admin.query<{ v: string }>('SELECT xmin::text AS v FROM sends WHERE lead_id = 1')).rows[0]!.v;
    const before = await version();
    const replan = async (tickAt: number, plannedAt: number) => {
      const tick = await store.beginTick(tickAt, tickAt);
      await store.layOutBatches(tick.runId, 30);
      await (await store.claimBatch(tick.runId, 1))!.commit(
        plan({ plans: [{ leadId: 1, sequenceId: 'welcome', stepId: 'intro', force: 'push', enrollmentId, plannedAt, dueAt: plannedAt, reason: 'first' }] }),
        tickAt,
      );
    };
    await replan(T + HOUR, T + HOUR);
    expect(await version()).toBe(before);
    await replan(T + 2 * HOUR, T + 3 * HOUR);
    expect(await version()).not.toBe(before);
  });
});
