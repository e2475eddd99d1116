import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, openRunApp } from '../../src/app.js';
import { storeEspItems } from '../../src/web/esp/store.js';
import type { EspItem } from '../../src/web/esp/types.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const AT = Date.parse('2026-11-24T15:00:00Z');

/**
 * An ESP webhook item whose recipient or Message-ID holds a NUL (U+0000) passes the providers'
 * loose address check; matching it to a send then queried PostgreSQL with a text it cannot hold,
 * and the whole request failed with a server error (the provider retries it, and the good items
 * beside it were never stored), where SQLite found no send and rejected the item. Both databases
 * now answer alike: the item rejected, the others stored.
 */
describe.runIf(PG_TESTS)('an ESP webhook item with a NUL character', () => {
  let cluster: PgCluster;
  const ws = tempWorkspace();
  const clock = new TestClock(AT);
  const env = { NURTURE_SECRET: 'test-secret' };
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    url = await cluster.createDatabase('esp');
    const cli = cliIn(ws.dir, clock);
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('db', 'copy', '--to', url)).status).toBe(0);
  }, 60_000);
  afterAll(() => {
    cluster?.stop();
    ws.cleanup();
  });

  it('is rejected on both databases, and the good items are stored', async () => {
    const event = (n: number, email: string, messageId?: string): EspItem => ({
      kind: 'event',
      item: String(n),
      event: { eventId: `e${n}`, email, type: 'bounced', occurredAt: AT - 60_000, url: '', ...(messageId ? { messageId } : {}), properties: { bounce_type: 'hard' } },
    });
    const items = [
      event(1, 'jonas.schmidt@granitewind-hq\u0000.de'),
      event(2, 'lukasw@becker-wolff-partner.de', '<abc\u0000def@tidewater.example>'),
      event(3, 'jonas.schmidt@granitewind-hq.de'),
    ];
    const sqliteApp = openApp({ workspaceDir: ws.dir, env, clock });
    const pgApp = await openRunApp({ workspaceDir: ws.dir, dbPath: url, env, clock });
    try {
      const onSqlite = await storeEspItems(sqliteApp, 'postmark', items, 'r1');
      const onPg = await storeEspItems(pgApp, 'postmark', items, 'r1');
      expect(onPg).toEqual(onSqlite);
      expect(onSqlite.stored).toBe(1);
      expect(onSqlite.rejected.map((r) => r.item)).toEqual(['1', '2']);
    } finally {
      sqliteApp.close();
      await pgApp.close();
    }
  }, 60_000);
});
