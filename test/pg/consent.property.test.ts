import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { openPool } from '../../src/db/pg/connection.js';
import { migratePostgres } from '../../src/db/pg/migrate.js';
import { importLeads } from '../../src/io/import.js';
import type { ImportStore } from '../../src/io/import-store.js';
import { sqliteImportStore } from '../../src/io/sqlite-import-store.js';
import { storesFor } from '../../src/run/context.js';
import { pgImportStore } from '../../src/store/pg/import-store.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const RANK: Record<string, number> = { unsubscribed: 0, none: 1, pending: 2, confirmed: 3 };

/** Addresses the database already holds, some in a state no import may lift, one free to move. */
const SEEDED = [
  { email: 'unsub@example.com', consent: 'unsubscribed', suppress: null },
  { email: 'bounced@example.com', consent: 'confirmed', suppress: 'bounced' },
  { email: 'complained@example.com', consent: 'pending', suppress: 'complained' },
  { email: 'free@example.com', consent: 'pending', suppress: null },
] as const;
const ADDRESSES = [...SEEDED.map((s) => s.email), 'new@example.com'];

const row = fc.record({
  who: fc.integer({ min: 0, max: ADDRESSES.length - 1 }),
  upper: fc.boolean(),
  consent: fc.constantFrom('', 'none', 'pending', 'confirmed', 'unsubscribed'),
  optOut: fc.constantFrom('', 'false', 'true'),
  title: fc.constantFrom('', 'CMO', 'Student'),
  tag: fc.constantFrom('', 'a', 'b'),
});
const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Seeds the addresses through the store itself, as an earlier import and bounces would have. */
async function seed(store: ImportStore): Promise<void> {
  await store.batch(async (tx) => {
    await tx.upsertLeads(SEEDED.map((s) => ({ lead: { email: s.email, consent: s.consent, attributes: {} }, evidence: 'seed' })), NOW - 1000);
    const ids = await tx.idsByEmail(SEEDED.map((s) => s.email));
    for (const s of SEEDED) if (s.suppress) await tx.suppress(ids.get(s.email)!, s.suppress, NOW - 500, 'seed', NOW - 500);
  });
}

const LEADS = `SELECT id, email, job_title, consent, consent_at, consent_source, attributes, suppressed_reason, suppressed_at, wake_at FROM leads ORDER BY id`;
const LOG = 'SELECT id, lead_id, consent, previous, at, recorded_at, source, evidence, refused FROM consent_log ORDER BY id';

describe.runIf(PG_TESTS)('invariant 11 and the consent log on PostgreSQL: the same as SQLite for any file', () => {
  let cluster: PgCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    url = await cluster.createDatabase('consent');
    const pool = openPool(url, 1);
    await migratePostgres(pool);
    await pool.end();
  });
  afterAll(() => cluster?.stop());

  it('stores the same leads and log, refuses the same rows, never raises a suppressed address', async () => {
    const pool = openPool(url, 2);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 14 }), async (rows) => {
          const dir = mkdtempSync(join(tmpdir(), 'nurture-pg-consent-'));
          const conn = openDatabase(join(dir, 'nurture.db'));
          try {
            await pool.query('TRUNCATE leads, consent_log, events, quarantined_events, score_history, handoffs RESTART IDENTITY CASCADE');
            const sqlite = sqliteImportStore(storesFor(conn));
            const pg = pgImportStore(pool);
            await seed(sqlite);
            await seed(pg);
            const lines = rows.map((r) =>
              [r.upper ? ADDRESSES[r.who]!.toUpperCase() : ADDRESSES[r.who]!, r.consent, r.optOut, r.title, r.tag].map(csvCell).join(','),
            );
            const file = join(dir, 'leads.csv');
            writeFileSync(file, `email,consent,email_opt_out,job_title,tag\n${lines.join('\n')}\n`);
            const a = await importLeads(sqlite, file, NOW);
            const b = await importLeads(pg, file, NOW);
            expect(b).toEqual(a);
            const leads = (await pool.query(LEADS)).rows;
            expect(leads).toEqual(conn.sqlite.prepare(LEADS).all());
            const log = (await pool.query<{ consent: string; previous: string | null; refused: string | null }>(LOG)).rows;
            expect(log).toEqual(conn.sqlite.prepare(LOG).all());
            for (const s of SEEDED.filter((x) => x.suppress !== null || x.consent === 'unsubscribed')) {
              const after = leads.find((l: { email: string }) => l.email === s.email) as { consent: string; suppressed_reason: string | null };
              expect(RANK[after.consent]!, s.email).toBeLessThanOrEqual(RANK[s.consent]!);
              expect(after.suppressed_reason, s.email).not.toBeNull();
            }
            expect(b.refused.length).toBe(log.filter((c) => c.refused !== null).length);
          } finally {
            conn.close();
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await pool.end();
    }
  }, 240_000);
});
