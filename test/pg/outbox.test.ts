import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { RUN_LOCK_CLASS } from '../../src/store/postgres.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';
import { expectSameTables } from './same-tables.js';

const AT = '2026-11-24T15:00:00Z';

/**
 * Touches claimed by run 1 and never confirmed (what a worker killed between SMTP and the database
 * leaves: `sending`, a ref, the claim time), and one backing off after a temporary refusal; the
 * same statements on both databases.
 */
const claims = (ids: readonly number[]) => [
  `UPDATE sends SET status = 'sending', attempts = attempts + 1, ref = 'uncertain-' || id, run_id = 1, sent_at = planned_at
    WHERE id IN (${ids.slice(0, 4).join(', ')})`,
  `UPDATE sends SET status = 'failed', attempts = 1, planned_at = planned_at + 3600000, last_response = '451 4.7.1 try again later'
    WHERE id = ${ids[4]}`,
];

describe.runIf(PG_TESTS)('nurture outbox on PostgreSQL', () => {
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

  it('lists and resolves what a dead worker left as SQLite does; refuses while a live worker holds the run; one of two racing resolves wins', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', AT)).status).toBe(0);
    expect((await cli('run', '--at', AT)).status).toBe(0);
    const url = await cluster.createDatabase('outbox');
    expect((await cli('db', 'copy', '--to', url)).status).toBe(0);

    const sqlitePath = join(ws.dir, '.nurture', 'nurture.db');
    const sqlite = new Database(sqlitePath);
    const pool = openPool(url, 2);
    try {
      // Five touches of five enrolments (a retry is refused once its enrolment sent a later step).
      const ids = (sqlite.prepare(`SELECT min(id) AS id FROM sends WHERE status = 'planned' GROUP BY enrollment_id ORDER BY 1 LIMIT 5`).all() as { id: number }[]).map((r) => r.id);
      expect(ids).toHaveLength(5);
      for (const sql of claims(ids)) {
        sqlite.prepare(sql).run();
        await pool.query(sql);
      }
      sqlite.prepare(`INSERT INTO delivery_attempts (send_id, at, ok, permanent, response, run_id) VALUES (?, ?, 0, 0, '451 4.7.1 try again later', 1)`).run(ids[4], Date.parse(AT));
      await pool.query(`INSERT INTO delivery_attempts (send_id, at, ok, permanent, response, run_id) VALUES ($1, $2, false, false, '451 4.7.1 try again later', 1)`, [
        ids[4],
        Date.parse(AT),
      ]);

      const same = async (...argv: string[]) => {
        const onSqlite = await cli(...argv);
        const onPg = await cli(...argv, '--db', url);
        expect({ argv, ...onPg }).toEqual({ argv, ...onSqlite });
        return onSqlite;
      };
      const list = JSON.parse((await same('outbox', '--json')).stdout) as { backingOff: { id: number; lastReply: string }[]; uncertain: number };
      expect(list.uncertain).toBe(4);
      expect(list.backingOff).toMatchObject([{ id: ids[4], lastReply: '451 4.7.1 try again later' }]);
      expect((await same('outbox')).stdout).toContain('4 uncertain touch(es) from a run that stopped mid-send');
      const uncertain = JSON.parse((await same('outbox', 'uncertain', '--json')).stdout) as { uncertain: { id: number; run: number; messageId: string }[] };
      expect(uncertain.uncertain.map((u) => u.id)).toEqual(ids.slice(0, 4));
      expect(uncertain.uncertain.every((u) => u.run === 1 && u.messageId.startsWith(`<uncertain-${u.id}@`))).toBe(true);
      expect((await same('outbox', 'uncertain')).stdout).toContain('nurture outbox resolve ID --sent | --retry | --skip');

      // A live worker, on any host, still in run 1's share: it may have the touch in hand.
      const live = new pg.Client({ connectionString: url });
      await live.connect();
      await live.query('SELECT pg_advisory_lock_shared($1, $2)', [RUN_LOCK_CLASS, 1]);
      const refused = await cli('outbox', 'resolve', String(ids[0]), '--retry', '--db', url);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`run 1 is still running on a live worker: it may be sending this very touch`);
      // The worker dies: its session, and its lock, go with it.
      await live.end();

      for (const [id, outcome] of [
        [ids[0], '--retry'],
        [ids[1], '--sent'],
        [ids[2], '--skip'],
      ] as const) {
        const done = await same('outbox', 'resolve', String(id), outcome);
        expect(done.status).toBe(0);
      }
      const again = await same('outbox', 'resolve', String(ids[1]), '--skip');
      expect(again.status).toBe(1);
      expect(again.stderr).toContain(`send ${ids[1]} is not uncertain`);

      // Two hosts resolve the same touch at once: one wins, the other is told it is settled.
      const race = await Promise.all([cli('outbox', 'resolve', String(ids[3]), '--sent', '--db', url), cli('outbox', 'resolve', String(ids[3]), '--skip', '--db', url)]);
      expect(race.map((r) => r.status).sort()).toEqual([0, 1]);
      const winner = race[0]!.status === 0 ? '--sent' : '--skip';
      expect(race.find((r) => r.status === 1)!.stderr).toMatch(new RegExp(`send ${ids[3]} is (no longer|not) uncertain`));
      expect((await cli('outbox', 'resolve', String(ids[3]), winner)).status).toBe(0);

      expect((await same('outbox', 'uncertain')).stdout).toBe('No uncertain sends: every claimed touch was confirmed.');
    } finally {
      sqlite.close();
      await pool.end();
    }
    // Statuses, notes, attempts logged by hand, and the leads the settled touches woke: row for row.
    // input_version included: a settled touch bumps it once on both (migrations/pg/0003).
    await expectSameTables(sqlitePath, url);
  });
});
