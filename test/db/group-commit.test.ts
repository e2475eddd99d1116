import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit.js';

let sqlite: Database.Database | undefined;
afterEach(() => sqlite?.close());

function table() {
  sqlite = new Database(':memory:');
  sqlite.exec('CREATE TABLE t (x INTEGER NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO t (x) VALUES (?)');
  const rows = () => (sqlite!.prepare('SELECT x FROM t ORDER BY rowid').all() as { x: number }[]).map((r) => r.x);
  return { commits: new GroupCommit(sqlite), add: (x: number) => () => Number(insert.run(x).lastInsertRowid), rows };
}

it('commits the writes asked for in one turn together, in the order asked, each with its own result', async () => {
  const { commits, add, rows } = table();
  const inOneTurn = [commits.write(add(10)), commits.write(() => sqlite!.inTransaction), commits.write(add(30))];
  expect(rows(), 'nothing is written before the turn ends').toEqual([]);
  expect(await Promise.all(inOneTurn)).toEqual([1, true, 2]);
  expect(rows()).toEqual([10, 30]);
});

it('fails every write of a group whose transaction fails, applies none of them, and goes on with the next group', async () => {
  const { commits, add, rows } = table();
  const broken = [
    commits.write(add(1)),
    commits.write(() => {
      throw new Error('disk on fire');
    }),
    commits.write(add(3)),
  ];
  const outcomes = await Promise.allSettled(broken);
  expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.status))).toEqual([
    'disk on fire',
    'disk on fire',
    'disk on fire',
  ]);
  expect(rows()).toEqual([]);
  await commits.write(add(4));
  expect(rows()).toEqual([4]);
});
