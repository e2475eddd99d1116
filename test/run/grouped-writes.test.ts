import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupedWrites } from '../../src/db/grouped-writes.js';

describe('GroupedWrites', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A database file with a table whose triggers fail one statement ('soft') or the whole transaction ('bad'). */
  function database() {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-grouped-'));
    dirs.push(dir);
    const sqlite = new Database(join(dir, 'test.db'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec(`CREATE TABLE t (v TEXT);
      CREATE TRIGGER whole BEFORE INSERT ON t WHEN new.v = 'bad' BEGIN SELECT RAISE(ROLLBACK, 'the whole transaction is rolled back'); END;
      CREATE TRIGGER one BEFORE INSERT ON t WHEN new.v = 'soft' BEGIN SELECT RAISE(ABORT, 'this statement fails'); END;`);
    const writes = new GroupedWrites(sqlite);
    const insert = (v: string) => writes.write(() => sqlite.prepare('INSERT INTO t VALUES (?)').run(v).changes);
    const rows = () => (sqlite.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v);
    return { sqlite, insert, rows };
  }

  it('commits the writes queued in one turn together, and a write that fails alone is rejected alone', async () => {
    const { sqlite, insert, rows } = database();
    // Frames in the write-ahead log: each commit appends the pages it changed (here, one).
    const walFrames = () => (sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const results = await Promise.allSettled([insert('a'), insert('soft'), insert('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'this statement fails' });
    expect(rows()).toEqual(['a', 'b']);
    // Written by the time each promise settles: a second turn sees them.
    await insert('c');
    await insert('d');
    expect(rows()).toEqual(['a', 'b', 'c', 'd']);
    // One frame for the group of three, one for each later turn: two writes apart would be four.
    expect(walFrames()).toBe(3);
  });

  it('rejects every write of a group whose transaction an error rolls back, and writes none of them', async () => {
    const { insert, rows } = database();
    const results = await Promise.allSettled([insert('claim-a'), insert('bad'), insert('claim-b'), insert('outcome-c')]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(rows()).toEqual([]);
    // The next group is not affected.
    await insert('d');
    expect(rows()).toEqual(['d']);
  });
});
