import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/db/connection.js';
import { migrationJournal } from '../../src/db/migration-journal.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** The newest migration's tag (the integrator renumbers them when merging). */
const LATEST = migrationJournal(MIGRATIONS_DIR).at(-1)!.tag;

describe('nurture db migrate | status on SQLite', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('reports a missing file without creating it, migrates once, then is up to date', async () => {
    const ws = tempWorkspace();
    cleanup = ws.cleanup;
    const cli = cliIn(ws.dir, new TestClock(Date.parse('2026-03-02T15:00:00Z')));
    const db = join(ws.dir, '.nurture', 'nurture.db');

    const before = await cli('db', 'status', '--json');
    expect(before.status).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ kind: 'sqlite', database: db, exists: false, migrations: { applied: 0 } });
    expect(existsSync(db)).toBe(false);

    const first = await cli('db', 'migrate');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^SQLite .*nurture\.db: applied \d+ migration\(s\), empty -> (.+)$/);
    expect(first.stdout.endsWith(`-> ${LATEST}`)).toBe(true);
    expect((await cli('db', 'migrate')).stdout).toMatch(new RegExp(`up to date \\(\\d+ migrations, latest ${LATEST}\\)$`));

    const status = JSON.parse((await cli('db', 'status', '--json')).stdout);
    expect(status).toMatchObject({ kind: 'sqlite', exists: true, lastRun: null, currentTick: null, uncertainSends: 0, workers: null });
    expect(status.migrations.applied).toBe(status.migrations.available);
    expect(status.migrations.pending).toEqual([]);

    const human = await cli('db', 'status');
    expect(human.stdout.split('\n')).toEqual([
      `database: SQLite ${db} (from nurture.yaml database)`,
      `migrations: ${status.migrations.applied} of ${status.migrations.applied} applied (latest ${LATEST}); none pending`,
      'uncertain sends: 0',
    ]);
  });
});
