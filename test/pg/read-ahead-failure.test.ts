import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { leadBatchesPg } from '../../src/store/pg/forecast-reads.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * leadBatchesPg reads the next batch while the caller plans this one, and the forecast's caller
 * yields to the event loop while it plans (setImmediate between slices). A read ahead that fails
 * meanwhile (the server restarted, the backend was terminated, a statement timeout) used to be a
 * rejected promise nobody listened to yet: Node's unhandled rejection, which ends the process
 * (`nurture serve` on PostgreSQL, building its calendar). It must reach the caller as an error
 * of the loop instead, and nothing else.
 */
describe.runIf(PG_TESTS)('a failed read ahead of the lead batches', () => {
  let cluster: PgCluster;
  const ws = tempWorkspace();
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    url = await cluster.createDatabase('readahead');
    const cli = cliIn(ws.dir, new TestClock(Date.parse('2026-11-24T15:00:00Z')));
    expect((await cli('leads', 'import', 'examples/leads.csv', '--db', url)).status).toBe(0);
  }, 60_000);
  afterAll(() => {
    cluster?.stop();
    ws.cleanup();
  });

  it('is an error of the loop, not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    const pool = openPool(url, 1);
    const client = await pool.connect();
    try {
      // The second batch's first read fails a moment after it is asked for, while the caller plans the first.
      let leadReads = 0;
      const failing = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
          return (config: { text?: string }, values?: unknown[]) => {
            if (typeof config === 'object' && config.text?.includes('FROM leads WHERE id >') && ++leadReads === 2)
              return new Promise((_, reject) => setTimeout(() => reject(new Error('terminating connection due to administrator command')), 5));
            return target.query(config as pg.QueryConfig, values);
          };
        },
      });
      const seen: number[] = [];
      const loop = async () => {
        for await (const batch of leadBatchesPg(failing, { afterId: 0, lastId: Number.MAX_SAFE_INTEGER }, 10)) {
          seen.push(batch.length);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await expect(loop()).rejects.toThrow('terminating connection due to administrator command');
      expect(seen).toEqual([10]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
      client.release();
      await pool.end();
    }
  }, 60_000);
});
