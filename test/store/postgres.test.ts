import { afterAll, beforeAll, describe } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { syncIdentities } from '../../src/db/pg/identity.js';
import { migratePostgres } from '../../src/db/pg/migrate.js';
import { PgBatchStore } from '../../src/store/postgres.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { storeContract } from './contract.js';

describe.runIf(PG_TESTS)('PostgreSQL', () => {
  let cluster: PgCluster;
  let databases = 0;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster?.stop());

  storeContract('PostgreSQL', async () => {
    const url = await cluster.createDatabase(`contract_${++databases}`);
    const pool = openPool(url, 6);
    await migratePostgres(pool);
    const store = new PgBatchStore(pool, false);
    return {
      store,
      exec: async (sql) => void (await pool.query(sql)),
      rows: async (sql) => (await pool.query(sql)).rows as Record<string, unknown>[],
      seeded: () => syncIdentities(pool),
      cleanup: async () => {
        await store.close();
        await pool.end();
      },
    };
  });
});
