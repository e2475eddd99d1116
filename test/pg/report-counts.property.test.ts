import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { copySqliteToPostgres } from '../../src/db/pg/copy.js';
import { migratePostgres } from '../../src/db/pg/migrate.js';
import { sqliteReportReads } from '../../src/db/report-reads.js';
import { LEAD_METRICS, type RowFilter } from '../../src/report/leads-types.js';
import type { ReportReads } from '../../src/report/reads.js';
import { weekOf } from '../../src/report/rows.js';
import { type GoalSpec, NO_SEGMENT, REPORT_GROUPINGS } from '../../src/report/types.js';
import { pgReportReads } from '../../src/store/pg/report-reads.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { DAY, FROM, store, TO, world } from '../report/message-worlds.js';

/**
 * The report's reads on PostgreSQL against SQLite's over the random worlds of
 * test/report/message-counts.property.test.ts (whose counts that test checks against the
 * definitions), each built on SQLite and copied row for row: every grouping, the leads behind
 * every metric, the send-time arms, enrolments, sunsets, holdouts and goal candidates. The worlds
 * gain what the report reads besides messages: variants, send-time reasons (in any letter case),
 * holdout and sunset enrolments, and goal events with URLs.
 */
const extras = fc.record({
  variants: fc.array(fc.constantFrom(null, 'a', 'b'), { minLength: 30, maxLength: 30 }),
  sendTime: fc.array(fc.constantFrom(null, 'send-time: holdout at the first open', 'Send-Time: best slot', 'send-time: exploring'), { minLength: 30, maxLength: 30 }),
  enrolments: fc.array(fc.constantFrom('', 'holdout (10%)', 'HOLDOUT', 'sunset: 4 unopened', 'Sunset'), { minLength: 12, maxLength: 12 }),
  goals: fc.array(
    fc.record({ lead: fc.integer({ min: 1, max: 6 }), day: fc.integer({ min: -4, max: 30 }), type: fc.constantFrom('meeting_booked', 'email_clicked', 'page_viewed'), url: fc.constantFrom('', '/Pricing', '/pricing/plans', '/careers') }),
    { maxLength: 6 },
  ),
});

const GOALS: GoalSpec[] = [
  { id: 'meeting', event: 'meeting_booked', withinMs: 14 * DAY, model: 'last-touch' },
  { id: 'pricing', event: 'page_viewed', withinMs: 7 * DAY, model: 'linear', urlContains: '/PRICING' },
  { id: 'click', event: 'email_clicked', withinMs: 3 * DAY, model: 'last-touch' },
];

/** Everything the report reads for one world, in one object to compare. */
async function readAll(reads: ReportReads, segmentsOf: (lead: number) => readonly string[]) {
  const out: Record<string, unknown> = {};
  for (const by of REPORT_GROUPINGS) out[`counts:${by}`] = await reads.messageCounts(by, FROM, TO, segmentsOf);
  for (const by of ['sequence', 'week'] as const) out[`enrolments:${by}`] = [...(await reads.enrollmentCounts(by, FROM, TO)).entries()].sort();
  for (const goal of GOALS) out[`candidates:${goal.id}`] = await reads.conversionCandidates(goal, FROM, TO);
  out.holdouts = await reads.holdouts(GOALS, FROM, TO);
  out.sendTime = await reads.sendTimeArmCounts(FROM, TO);
  const filters: RowFilter[] = [{}, { sequence: 'evaluators' }, { sequence: 'new-signups', step: 'proof', force: 'pull' }, { force: 'push' }, { week: weekOf(FROM + 8 * DAY) }];
  for (const metric of LEAD_METRICS)
    if (metric !== 'converted') for (const [i, filter] of filters.entries()) out[`leads:${metric}:${i}`] = await reads.leadsBehind(metric, filter, FROM, TO);
  out.leads = (await reads.leadsByIds([6, 2, 99, 1])).map((l) => l.email);
  return out;
}

describe.runIf(PG_TESTS)('the report reads on PostgreSQL, over random worlds', () => {
  let cluster: PgCluster;
  let pool: pg.Pool;
  let tables: string[];
  beforeAll(async () => {
    cluster = await startPgCluster();
    pool = openPool(cluster.url, 2);
    await migratePostgres(pool);
    tables = (await pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => `"${r.tablename}"`);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    cluster?.stop();
  });

  it('equal SQLite’s for every grouping, metric, arm, enrolment and goal', async () => {
    await fc.assert(
      fc.asyncProperty(world, extras, async (w, x) => {
        const conn = store(w);
        const client = await pool.connect();
        try {
          const db = conn.sqlite;
          const sendIds = (db.prepare('SELECT id FROM sends ORDER BY id').all() as { id: number }[]).map((r) => r.id);
          for (const [i, id] of sendIds.entries()) {
            db.prepare('UPDATE sends SET variant = ? WHERE id = ?').run(x.variants[i] ?? null, id);
            const reason = x.sendTime[i];
            if (reason) db.prepare("UPDATE sends SET reason = ? WHERE id = ? AND status = 'sent'").run(reason, id);
          }
          const enrolmentIds = (db.prepare('SELECT id FROM enrollments ORDER BY id').all() as { id: number }[]).map((r) => r.id);
          for (const [i, id] of enrolmentIds.entries()) {
            const reason = x.enrolments[i] ?? '';
            const exited = reason.toLowerCase().startsWith('sunset');
            // Enrolled before the period (as store() does), or inside it, so both kinds count.
            db.prepare('UPDATE enrollments SET reason = ?, enrolled_at = enrolled_at + ?, status = ?, ended_at = ? WHERE id = ?').run(
              reason,
              (i % 3) * 4 * DAY,
              exited ? 'exited' : 'active',
              exited ? FROM + i * DAY : null,
              id,
            );
          }
          for (const [i, g] of x.goals.entries())
            db.prepare("INSERT INTO events (lead_id, type, occurred_at, url, properties, dedupe_key, recorded_at, signal) VALUES (?, ?, ?, ?, '{}', ?, 0, ?)").run(
              g.lead,
              g.type,
              FROM + g.day * DAY + 13 * 3_600_000,
              g.url,
              `goal-${i}`,
              i % 2 === 0 ? 'human' : 'machine',
            );
          await client.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
          await copySqliteToPostgres(db, client);
          const segmentsOf = (lead: number) => (w.segments[lead - 1]!.length > 0 ? w.segments[lead - 1]! : [NO_SEGMENT]);
          const lite = await readAll(sqliteReportReads(db), segmentsOf);
          const pgReads = await readAll(pgReportReads(client), segmentsOf);
          expect(pgReads).toEqual(lite);
        } finally {
          client.release();
          conn.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});
