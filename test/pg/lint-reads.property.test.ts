import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, openDatabase } from '../../src/db/connection.js';
import { leadsByCountry } from '../../src/db/country-counts.js';
import { emptyCounts } from '../../src/db/empty-fields.js';
import { openPool } from '../../src/db/pg/connection.js';
import { migratePostgres } from '../../src/db/pg/migrate.js';
import { emptyCountsPg } from '../../src/store/pg/empty-fields.js';
import { leadsByCountryPg } from '../../src/store/pg/lead-page.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';

/** Keys of the attributes JSON: plain, with a space, with a quote (dropped from the path on both stores). */
const KEYS = ['plan', 'company size', 'x"y', 'xy'] as const;
/** JSON values a blank-or-not test could read differently: blanks, whitespace other than spaces, numbers, booleans, null, nesting. */
const VALUE = fc.constantFrom<unknown>('', ' ', '   ', '\t', ' pro ', 'Pro', 0, 1.5, -2, true, false, null, [], [''], {}, { a: '' }, 'é', '0');
const LEAD = fc.record({
  firstName: fc.constantFrom('', ' ', 'Ann', '  Bo'),
  jobTitle: fc.constantFrom('', 'CTO'),
  // Byte order decides the order of the country counts (and so of equal-count holiday warnings).
  country: fc.constantFrom('', 'US', 'us', 'NP', 'CA ', 'Ü', 'É', 'z', 'Z', 'a-b'),
  suppressed: fc.boolean(),
  attributes: fc.dictionary(fc.constantFrom(...KEYS), VALUE, { maxKeys: 4 }),
});
const NAMES = fc.uniqueArray(
  fc.constantFrom('lead.firstName', 'lead.jobTitle', 'lead.country', 'lead.email', 'lead.unknown', 'lead.attributes.plan', 'lead.attributes.company size', 'lead.attributes.x"y', 'lead.attributes.xy', 'lead.attributes.a.b'),
  { maxLength: 8 },
);

const COLUMNS = 'email, first_name, job_title, country, attributes, suppressed_reason, suppressed_at, created_at, updated_at';
type Lead = { firstName: string; jobTitle: string; country: string; suppressed: boolean; attributes: Record<string, unknown> };
const values = (leads: Lead[]) =>
  leads.map((l, i) => [`l${i}@lint.example`, l.firstName, l.jobTitle, l.country, JSON.stringify(l.attributes), l.suppressed ? 'bounced' : null, l.suppressed ? 5 : null, 1, 1]);

describe.runIf(PG_TESTS)("lint's lead reads: PostgreSQL counts as SQLite does, for any leads", () => {
  let cluster: PgCluster;
  let pool: pg.Pool;
  let dir: string;
  let conn: Connection;
  beforeAll(async () => {
    cluster = await startPgCluster();
    pool = openPool(await cluster.createDatabase('lint_reads'), 1);
    await migratePostgres(pool);
    dir = mkdtempSync(join(tmpdir(), 'nurture-lint-reads-'));
    conn = openDatabase(join(dir, 'n.db'));
  });
  afterAll(async () => {
    conn?.close();
    await pool?.end();
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('empty values and leads per country', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(LEAD, { maxLength: 25 }), NAMES, async (leads, names) => {
        const rows = values(leads);
        conn.sqlite.exec('DELETE FROM leads');
        const insert = conn.sqlite.prepare(`INSERT INTO leads (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        for (const r of rows) insert.run(...r);
        await pool.query('DELETE FROM leads');
        for (const r of rows) await pool.query(`INSERT INTO leads (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r);

        const expected = emptyCounts(conn.sqlite, names);
        expect(await emptyCountsPg(pool, names)).toEqual(expected);
        expect(await leadsByCountryPg(pool)).toEqual(leadsByCountry(conn.sqlite));
        // The oracle itself: a value is empty when missing, null or blank after trimming spaces.
        const current = leads.filter((l) => !l.suppressed);
        for (const key of ['plan', 'xy'] as const) {
          const name = `lead.attributes.${key}`;
          if (!(names as string[]).includes(name)) continue;
          const empty = current.filter((l) => {
            const v = l.attributes[key];
            return v === undefined || v === null || (typeof v === 'string' && v.replace(/^ +| +$/g, '') === '');
          }).length;
          expect(expected.get(name)).toEqual({ empty, leads: current.length });
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
