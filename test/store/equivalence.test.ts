import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { openPool } from '../../src/db/pg/connection.js';
import { planLeads } from '../../src/run/batch-plan.js';
import { planContext } from '../../src/run/context.js';
import { PgBatchStore } from '../../src/store/postgres.js';
import { SqliteBatchStore } from '../../src/store/sqlite.js';
import type { BatchStore } from '../../src/store/types.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const DAY0 = Date.parse('2026-11-24T00:00:00Z');
const HOUR = 3_600_000;
/** Three ticks over two days: morning and afternoon in the Americas and Europe. */
const TICKS = [DAY0 + 9 * HOUR, DAY0 + 15 * HOUR, DAY0 + 39 * HOUR];

/** The example workspace planned tick by tick through a store: claim, load, plan (the real planner), commit. */
async function planTicks(store: BatchStore, dir: string): Promise<void> {
  const ctx = planContext(loadWorkspace(dir));
  for (const tickAt of TICKS) {
    const tick = await store.beginTick(tickAt, tickAt);
    expect(tick.elected).toBe(true);
    await store.layOutBatches(tick.runId, 64);
    for (;;) {
      const claim = await store.claimBatch(tick.runId, 1);
      if (!claim) break;
      const leads = await claim.load(64);
      await claim.commit(planLeads(ctx, leads, { now: tickAt, listPlanned: false, scores: true, dueSends: 'include' }), tickAt);
    }
    expect(await store.finishTick(tick.runId, tickAt, {})).toBe(true);
  }
}

const TABLES = {
  enrollments: `SELECT lead_id AS "leadId", sequence_id AS "sequenceId", status, enrolled_at AS "enrolledAt", ended_at AS "endedAt", reason,
      entry_reason AS "entryReason" FROM enrollments ORDER BY lead_id, sequence_id`,
  sends: `SELECT lead_id AS "leadId", sequence_id AS "sequenceId", step_id AS "stepId", force, status, planned_at AS "plannedAt",
      due_at AS "dueAt", reason, variant FROM sends ORDER BY lead_id, sequence_id, step_id`,
  scores: `SELECT id, score, fit_score AS fit, engagement_score AS engagement, stage, scored_at AS "scoredAt" FROM leads ORDER BY id`,
  history: `SELECT lead_id AS "leadId", at, score, fit, engagement, stage, cause FROM score_history ORDER BY lead_id, at, stage, score`,
  handoffs: `SELECT lead_id AS "leadId", at, reason, score FROM handoffs ORDER BY lead_id`,
  batches: `SELECT batch_no AS "batchNo", after_id AS "afterId", last_id AS "lastId", status, leads FROM run_batches ORDER BY run_id, batch_no`,
};

describe.runIf(PG_TESTS)('SQLite and PostgreSQL stores plan the example data alike', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
  });
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  it('leaves the same enrolments, outbox, scores, history, handoffs and batches after three ticks', async () => {
    // The first touch of new-signups carries two variants, so the outbox compared holds variants too.
    const sequenceFile = join(ws.dir, 'sequences', 'new-signups.yaml');
    const original = readFileSync(sequenceFile, 'utf8');
    const pain = '  - { id: pain,     force: push,    template: push-messy-data,           wait: P0D }';
    expect(original).toContain(pain);
    writeFileSync(
      sequenceFile,
      original.replace(
        pain,
        ['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    variants:', '      - { id: a }', "      - { id: b, subject: 'Quick question' }"].join(
          '\n',
        ),
      ),
    );
    const cli = cliIn(ws.dir, new TestClock(DAY0));
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv')).status).toBe(0);
    const url = await cluster.createDatabase('equivalence');
    expect((await cli('db', 'copy', '--to', url)).status).toBe(0);

    const conn = openDatabase(join(ws.dir, '.nurture', 'nurture.db'));
    const sqlite = new SqliteBatchStore(conn);
    const postgres = await PgBatchStore.open(url, 2);
    try {
      await planTicks(sqlite, ws.dir);
      await planTicks(postgres, ws.dir);
      const pool = openPool(url, 1);
      try {
        for (const [name, sql] of Object.entries(TABLES)) {
          const a = conn.sqlite.prepare(sql).all();
          const b = (await pool.query(sql)).rows;
          expect({ name, rows: b }).toEqual({ name, rows: a });
        }
        const planned = conn.sqlite.prepare(`SELECT count(*) AS n FROM sends WHERE status = 'planned'`).get() as { n: number };
        expect(planned.n).toBeGreaterThan(50);
        const arms = conn.sqlite.prepare(`SELECT variant, count(*) AS n FROM sends WHERE variant IS NOT NULL GROUP BY variant ORDER BY variant`).all();
        expect(arms).toEqual([
          { variant: 'a', n: expect.any(Number) },
          { variant: 'b', n: expect.any(Number) },
        ]);
      } finally {
        await pool.end();
      }
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
});
