import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';
import { expectSameTables } from './same-tables.js';

const AT = '2026-11-24T15:00:00Z';

/**
 * PostgreSQL's text cannot hold U+0000, which SQLite stores without a word: a NUL in one cell
 * used to abort the whole PostgreSQL batch (a server error, the other rows of the batch lost)
 * while SQLite kept it. Now the row is rejected with its line and column, on both databases.
 */
describe.runIf(PG_TESTS)('a NUL character in an imported cell', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
    writeFileSync(
      join(ws.dir, 'nul-leads.csv'),
      ['email,first_name,company,segment_hint', 'ok.one@example.com,Ok,Acme,', 'nul.name@example.com,A\u0000b,Acme,', 'nul.attr@example.com,Nul,Acme,x\u0000y', 'ok.two@example.com,Two,Acme,'].join('\n') + '\n',
    );
    writeFileSync(
      join(ws.dir, 'nul-events.csv'),
      [
        'id,email,type,occurred_at,url,note',
        'e1,ok.one@example.com,page_viewed,2026-11-20T10:00:00Z,https://tidewater.example/a,',
        'e2,ok.one@example.com,page_viewed,2026-11-20T11:00:00Z,https://tidewater.example/\u0000,',
        'e3,ok.two@example.com,bounced,2026-11-20T12:00:00Z,,soft\u0000',
        'e4,ok.two@example.com,page_viewed,2026-11-20T13:00:00Z,https://tidewater.example/b,',
      ].join('\n') + '\n',
    );
  });
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  it('is rejected with its line and column on both databases; the other rows are stored alike', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const url = await cluster.createDatabase('nul');
    for (const argv of [
      ['leads', 'import', 'nul-leads.csv'],
      ['events', 'import', 'nul-events.csv', '--at', AT],
    ]) {
      const onSqlite = await cli(...argv);
      const onPg = await cli(...argv, '--db', url);
      expect({ step: argv.join(' '), ...onPg }).toEqual({ step: argv.join(' '), ...onSqlite });
      expect(onSqlite.status).toBe(1);
    }
    const leads = await cli('leads', 'import', 'nul-leads.csv', '--json');
    expect(JSON.parse(leads.stdout)).toMatchObject({
      rejected: [
        { line: 3, reason: expect.stringContaining('first_name: contains a NUL character') },
        { line: 4, reason: expect.stringContaining('segment_hint: contains a NUL character') },
      ],
    });
    const events = await cli('events', 'import', 'nul-events.csv', '--at', AT, '--json');
    expect(JSON.parse(events.stdout)).toMatchObject({
      rejected: [
        { line: 3, reason: expect.stringContaining('url: contains a NUL character') },
        { line: 4, reason: expect.stringContaining('note: contains a NUL character') },
      ],
    });
    await expectSameTables(join(ws.dir, '.nurture', 'nurture.db'), url);
    const [onSqlite, onPg] = [await cli('report', '--json'), await cli('report', '--json', '--db', url)];
    expect(onPg).toEqual(onSqlite);
  }, 120_000);
});
