import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { readSendTimeCounts } from '../../src/db/send-time-counts.js';
import { tickContext } from '../../src/run/tick-context.js';
import { PgBatchStore } from '../../src/store/postgres.js';
import { ZoneDays } from '../../src/time/zone-days.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * What a PostgreSQL tick reads for send-time at its start equals what SQLite's run reads: the
 * same counts by workspace, company domain and segment group, over the same day's snapshot.
 * The example data (300 leads, their opens and clicks) with two field segments, copied across.
 */
const AT = Date.parse('2026-11-24T15:00:00Z');

describe.runIf(PG_TESTS)('send-time counts on PostgreSQL', () => {
  let cluster: PgCluster;
  const ws = tempWorkspace();
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => {
    cluster?.stop();
    ws.cleanup();
  });

  it('equal SQLite’s, segment groups included, over the day’s event mark', async () => {
    appendFileSync(
      join(ws.dir, 'nurture.yaml'),
      `
segments:
  europe: { where: [{ field: country, in: [DE, FR, GB, NL, ES, IT] }] }
  americas: { where: [{ field: country, in: [US, CA, BR, MX] }] }
sendTime: { optimize: true }
`,
    );
    const clock = new TestClock(AT);
    const cli = cliIn(ws.dir, clock);
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', new Date(AT).toISOString())).status).toBe(0);
    const url = await cluster.createDatabase('sendtime');
    const copied = await cli('db', 'copy', '--to', url);
    expect(copied.status, copied.stderr).toBe(0);

    const app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test' }, clock });
    const store = await PgBatchStore.open(url);
    try {
      const policy = app.workspace.policy;
      expect(policy.sendTime!.segments!.map((s) => s.name)).toEqual(['europe', 'americas']);
      const sqlite = readSendTimeCounts(app.conn.sqlite, new ZoneDays(), policy.defaultZone, policy.sendTime!.segments);
      const { ctx } = await tickContext(store, app.workspace, AT);
      const pg = ctx.sendTime!.counts;
      expect(pg.workspace.total).toBeGreaterThan(100);
      expect(pg.workspace).toEqual(sqlite.workspace);
      expect(new Map(pg.domains)).toEqual(new Map(sqlite.domains));
      const groups = (c: typeof pg) => [...(c.segmentGroups ?? [])].map((g) => ({ ...g })).sort((a, b) => a.segments.join().localeCompare(b.segments.join()));
      expect(groups(pg).length).toBe(2);
      expect(groups(pg)).toEqual(groups(sqlite));
    } finally {
      await store.close();
      app.close();
    }
  });
});
