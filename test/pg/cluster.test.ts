import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_TESTS, startPgCluster } from '../helpers/pg-cluster.js';

describe.runIf(PG_TESTS)('the throwaway PostgreSQL cluster', () => {
  it('starts on a loopback port, answers queries, and is gone after stop', async () => {
    const cluster = await startPgCluster();
    try {
      expect(cluster.url).toMatch(/^postgres:\/\/nurture@127\.0\.0\.1:\d+\/nurture$/);
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      const { rows } = await client.query<{ db: string; v: string }>('SELECT current_database() AS db, version() AS v');
      await client.end();
      expect(rows[0]!.db).toBe('nurture');
      expect(rows[0]!.v).toMatch(/^PostgreSQL \d+/);
    } finally {
      cluster.stop();
    }
    expect(existsSync(cluster.dir)).toBe(false);
  });
});
