import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

export const NOW = Date.parse('2026-11-23T12:00:00Z');

/** A temp copy of the example workspace with a CLI, a file writer and a read-only look at the database. */
export function badInputWorkspace() {
  const ws = tempWorkspace();
  const cli = cliIn(ws.dir, new TestClock(NOW));
  const path = (file: string) => join(ws.dir, file);
  return {
    ...ws,
    cli,
    path,
    write: (file: string, content: string) => writeFileSync(path(file), content),
    read: (file: string) => readFileSync(path(file), 'utf8'),
    /** Edits a workspace file in place; fails the test if the text to replace is not there. */
    edit: (file: string, from: string | RegExp, to: string) => {
      const before = readFileSync(path(file), 'utf8');
      const after = before.replace(from, to);
      if (after === before) throw new Error(`${file}: ${String(from)} not found`);
      writeFileSync(path(file), after);
    },
    /** Runs a query on the workspace database (default location) and closes it again. */
    query: <T>(sql: string, ...params: unknown[]): T[] => {
      const db = new Database(path('.nurture/nurture.db'), { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
  };
}

/** The lines of CLI output that report rejected rows. */
export const rejections = (stderr: string) => stderr.split('\n').filter((l) => l.includes(': rejected: '));
