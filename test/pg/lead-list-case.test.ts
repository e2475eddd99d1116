import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const AT = '2026-11-24T15:00:00Z';

/**
 * `leads list --where` matches case-insensitively as SQLite's COLLATE NOCASE does: ASCII letters
 * only. The test clusters are created without a locale ("C", where lower() folds ASCII only too);
 * a real server's database usually has a UTF-8 locale, where lower() folds É to é as well, so
 * this test lists on such a database.
 */
describe.runIf(PG_TESTS)('leads list --where on a database with a UTF-8 locale', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
    const admin = new pg.Client({ connectionString: cluster.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE utf8_locale TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
    } finally {
      await admin.end();
    }
    url = cluster.url.replace(/\/[^/]+$/, '/utf8_locale');
    writeFileSync(
      join(ws.dir, 'schools.csv'),
      [
        'email,company,country,school_kind',
        'a@ecole.example,ÉCOLE Lumière,fr,Privée',
        'b@ecole.example,école lumière,FR,PRIVÉE',
        'c@ecole.example,École Lumière,Fr,privée',
        'd@ecole.example,ECOLE LUMIERE,FR,PRIVEE',
      ].join('\n') + '\n',
    );
  }, 60_000);
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  it('matches the same leads as SQLite', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    expect((await cli('leads', 'import', 'schools.csv')).status).toBe(0);
    expect((await cli('leads', 'import', 'schools.csv', '--db', url)).status).toBe(0);
    for (const where of ['company=école lumière', 'company=ÉCOLE LUMIÈRE', 'company=ecole lumiere', 'country=FR', 'attributes.school_kind=privée', 'attributes.school_kind=PRIVEE']) {
      const onSqlite = await cli('leads', 'list', '--where', where, '--json');
      const onPg = await cli('leads', 'list', '--where', where, '--json', '--db', url);
      expect(onSqlite.status).toBe(0);
      expect({ where, ...onPg }).toEqual({ where, ...onSqlite });
    }
    // What SQLite's NOCASE gives: ASCII letters folded, É and é two letters.
    const emails = async (where: string) => (JSON.parse((await cli('leads', 'list', '--where', where, '--json', '--db', url)).stdout) as { leads: { lead: string }[] }).leads.map((l) => l.lead);
    expect(await emails('company=école lumière')).toEqual(['b@ecole.example']);
    expect(await emails('attributes.school_kind=privée')).toEqual(['a@ecole.example', 'c@ecole.example']);
  }, 120_000);
});
