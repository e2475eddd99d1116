import { appendFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp, openRunApp, type PgApp } from '../../src/app.js';
import { openPool } from '../../src/db/pg/connection.js';
import { pgReportReads } from '../../src/store/pg/report-reads.js';
import { inSnapshot } from '../../src/store/pg/snapshot.js';
import { registerReportRoutes } from '../../src/web/report-routes.js';
import { Router } from '../../src/web/router.js';
import { serve } from '../../src/web/server.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { DAY, DAY0, simulate } from '../report/simulation.js';

/**
 * `nurture report` and the report pages on PostgreSQL: a seeded simulation run on SQLite (opens,
 * clicks and meetings through the real link endpoints, a holdout, goals), given variants,
 * send-time arms, soft and hard bounces, refused messages and segments, then moved with
 * `nurture db copy --to`: every --by, every format and the pages must read exactly what SQLite's do.
 */
const SEGMENTS = `
segments:
  managers: { where: [{ field: jobTitle, pattern: "marketing" }] }
  ops: { where: [{ field: jobTitle, pattern: "operations" }] }
`;
const BYS = ['sequence', 'step', 'force', 'week', 'segment', 'variant'] as const;

type Sim = Awaited<ReturnType<typeof simulate>>;

/** What the simulation lacks, written into its SQLite file the way the features leave it. */
function enrich(path: string): void {
  const db = new Database(path);
  try {
    db.exec(`UPDATE sends SET variant = CASE id % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'b' END WHERE status = 'sent'`);
    db.exec(`UPDATE sends SET reason = 'send-time: holdout at the first open moment' WHERE status = 'sent' AND id % 5 = 0`);
    db.exec(`UPDATE sends SET reason = 'Send-Time: best slot tue 10:00' WHERE status = 'sent' AND id % 5 = 1`);
    db.exec(`UPDATE sends SET status = 'skipped', reason = 'rejected by the mail server' WHERE status = 'sent' AND id % 13 = 0`);
    const sent = db.prepare(`SELECT id, lead_id AS lead, sent_at AS at FROM sends WHERE status IN ('sent', 'skipped') AND id % 7 IN (0, 3)`).all() as {
      id: number;
      lead: number;
      at: number;
    }[];
    const bounce = db.prepare(
      `INSERT INTO events (lead_id, type, occurred_at, properties, dedupe_key, recorded_at, signal, send_id) VALUES (?, 'bounced', ?, ?, ?, ?, '', ?)`,
    );
    const kinds = ['{"bounce_type":"soft"}', '{"bounceType":"Transient"}', '{"severity":"permanent"}', '{}', '{"bounce_type":null,"severity":"TEMPORARY"}'];
    for (const s of sent) bounce.run(s.lead, (s.at ?? DAY0) + 60_000, kinds[s.id % kinds.length], `bounce-${s.id}`, s.at ?? DAY0, s.id);
    // A sunset and a holdout with no message: rows with enrolments only.
    db.exec(`UPDATE enrollments SET status = 'exited', reason = 'sunset: 5 unopened', ended_at = enrolled_at + ${3 * DAY} WHERE id % 9 = 0`);
  } finally {
    db.close();
  }
}

describe.runIf(PG_TESTS)('nurture report on PostgreSQL reads what SQLite reads', () => {
  let cluster: PgCluster;
  let sim: Sim;
  let url: string;
  let period: string[];

  beforeAll(async () => {
    cluster = await startPgCluster();
    sim = await simulate({ leads: 40, weeks: 2, seed: 20261204 });
    appendFileSync(join(sim.ws.dir, 'nurture.yaml'), SEGMENTS);
    enrich(join(sim.ws.dir, '.nurture', 'nurture.db'));
    url = await cluster.createDatabase('report');
    const copied = await sim.cli('db', 'copy', '--to', url);
    expect(copied.status, copied.stderr).toBe(0);
    period = ['--from', new Date(DAY0).toISOString(), '--to', new Date(sim.end).toISOString()];
  }, 240_000);
  afterAll(async () => {
    await sim?.close();
    cluster?.stop();
  });

  it('gives the same report for every --by and format, and the default period', async () => {
    const both = async (...argv: string[]) => {
      const lite = await sim.cli('report', ...argv);
      const pg = await sim.cli('report', ...argv, '--db', url);
      expect(lite.status, lite.stderr).toBe(0);
      expect({ argv, status: pg.status, stderr: pg.stderr }).toEqual({ argv, status: 0, stderr: '' });
      expect({ argv, out: pg.stdout }).toEqual({ argv, out: lite.stdout });
      return lite.stdout;
    };
    for (const by of BYS) {
      const out = JSON.parse(await both('--by', by, '--format', 'json', ...period)) as { rows: unknown[]; sendTime?: unknown; totals: { sent: number; bounced: number; converted: number } };
      // The world is not empty where it matters: each grouping has rows, bounces and conversions count.
      expect(out.rows.length, by).toBeGreaterThan(0);
      expect(out.totals.bounced, by).toBeGreaterThan(0);
      expect(out.sendTime, by).toBeDefined();
      if (by !== 'variant') expect(out.totals.converted, by).toBeGreaterThan(0);
      await both('--by', by, '--format', 'csv', ...period);
      await both('--by', by, ...period);
    }
    await both('--json');
    await both('--by', 'week', '--from', new Date(DAY0 + 3 * DAY).toISOString().slice(0, 10), '--to', new Date(DAY0 + 9 * DAY).toISOString().slice(0, 10), '--json');
  });

  it('says what is wrong with bad flags on PostgreSQL as on SQLite', async () => {
    for (const argv of [['--by', 'lead'], ['--format', 'xml'], ['--from', 'yesterday'], ['--from', '2026-12-01', '--to', '2026-11-01']]) {
      const lite = await sim.cli('report', ...argv);
      const pg = await sim.cli('report', ...argv, '--db', url);
      expect(lite.status).toBeGreaterThan(0);
      expect(lite.stderr).not.toBe('');
      expect({ argv, status: pg.status, stderr: pg.stderr }).toEqual({ argv, status: lite.status, stderr: lite.stderr });
    }
  });

  it('serves the same /report and /report/leads pages over HTTP from a PgApp', async () => {
    const env = { NURTURE_SECRET: 'test-secret' };
    const lite: App = openApp({ workspaceDir: sim.ws.dir, env, clock: sim.clock });
    const pgApp = (await openRunApp({ workspaceDir: sim.ws.dir, dbPath: url, env, clock: sim.clock })) as PgApp;
    const servers: Server[] = [];
    const start = async (app: App | PgApp) => {
      const server = await serve(registerReportRoutes(new Router(), app), { host: '127.0.0.1', port: 0 });
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    try {
      const [liteBase, pgBase] = [await start(lite), await start(pgApp)];
      const page = async (path: string) => {
        const [a, b] = await Promise.all([fetch(`${liteBase}${path}`), fetch(`${pgBase}${path}`)]);
        const [ta, tb] = [await a.text(), await b.text()];
        expect({ path, status: b.status, body: tb }).toEqual({ path, status: a.status, body: ta });
        return ta;
      };
      const report = await page(`/report?from=${encodeURIComponent(period[1]!)}&to=${encodeURIComponent(period[3]!)}`);
      const links = [...report.matchAll(/data-metric="\w+" data-row="[^"]+" href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
      expect(links.length).toBeGreaterThan(50);
      for (const metric of ['converted', 'delivered', 'humanClicked'])
        expect(links.some((l) => l.includes(`metric=${metric}`)), metric).toBe(true);
      for (const link of links) await page(link);
      // The metrics the page has no column for, a second page of a long list, and the errors.
      for (const metric of ['bounced', 'complained'])
        await page(`/report/leads?metric=${metric}&from=${encodeURIComponent(period[1]!)}&to=${encodeURIComponent(period[3]!)}`);
      await page(`/report/leads?metric=sent&from=${encodeURIComponent(period[1]!)}&to=${encodeURIComponent(period[3]!)}&page=1`);
      await page('/report?from=nonsense');
      await page('/report/leads?metric=nothing');
    } finally {
      for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
      lite.close();
      await pgApp.close();
    }
  });

  it('reads one snapshot while another host writes, and says when the server cannot be reached', async () => {
    const pool = openPool(url, 2);
    const [from, to] = [DAY0, sim.end];
    try {
      const { rows } = await pool.query<{ id: number; lead: number; at: number }>(
        `SELECT id, lead_id AS lead, sent_at AS at FROM sends s WHERE status = 'sent' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND e.type = 'bounced') ORDER BY id LIMIT 3`,
      );
      expect(rows).toHaveLength(3);
      const [before, during] = await inSnapshot(pool, async (client) => {
        const reads = pgReportReads(client);
        const first = await reads.messageCounts('sequence', from, to);
        // Another connection commits three bounces while the report is being read.
        for (const r of rows)
          await pool.query(
            `INSERT INTO events (lead_id, type, occurred_at, properties, dedupe_key, recorded_at, signal, send_id) VALUES ($1, 'bounced', $2, '{}', $3, $2, '', $4)`,
            [r.lead, r.at + 1000, `late-bounce-${r.id}`, r.id],
          );
        return [first, await reads.messageCounts('sequence', from, to)];
      });
      expect(during).toEqual(before);
      const after = await inSnapshot(pool, (client) => pgReportReads(client).messageCounts('sequence', from, to));
      expect(after.totals.bouncedHard).toBe(before.totals.bouncedHard + 3);
      await pool.query("DELETE FROM events WHERE dedupe_key LIKE 'late-bounce-%'");
    } finally {
      await pool.end();
    }
    const down = await sim.cli('report', '--json', '--db', 'postgres://nurture@127.0.0.1:1/nowhere');
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('cannot connect to PostgreSQL at postgres://nurture@127.0.0.1:1/nowhere');
  });
});
