import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connection.js';
import { SqliteBatchStore } from '../../src/store/sqlite.js';
import { storeContract } from './contract.js';

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-store-'));
  const conn = openDatabase(join(dir, 'nurture.db'));
  const store = new SqliteBatchStore(conn);
  return {
    store,
    exec: async (sql) => void conn.sqlite.exec(sql),
    rows: async (sql) => conn.sqlite.prepare(sql).all() as Record<string, unknown>[],
    seeded: async () => {},
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
