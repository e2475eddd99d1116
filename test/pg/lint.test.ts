import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const AT = '2026-11-24T15:00:00Z';
const LATER = '2026-11-26T15:00:00Z';

interface LintJson {
  valid: boolean;
  warnings: { file: string; line?: number; message: string }[];
  coverage: unknown[];
  audiences?: { sequence: string; matches: number; takenByHigher: number }[];
}

/**
 * Leads the checks have something to say about: countries with no or thin holiday data (NP, CA),
 * leads without a country, job titles and a company_size attribute mostly empty; a template and a
 * layout printing them unguarded; and a sequence whose audience new-signups (higher priority) takes whole.
 */
function seed(dir: string) {
  const rows = ['email,first_name,company,job_title,industry,country,consent,company_size'];
  for (let i = 0; i < 40; i++)
    rows.push(`lint${i}@lint-${i % 7}.example,Lin${i},Lint ${i % 7},${i % 4 === 0 ? 'CTO' : ''},SaaS,${['NP', 'CA', '', 'np', 'US'][i % 5]},${i % 10 === 9 ? 'unsubscribed' : 'none'},${i % 3 === 0 ? '11-50' : i % 3 === 1 ? '  ' : ''}`);
  writeFileSync(join(dir, 'lint-leads.csv'), `${rows.join('\n')}\n`);
  writeFileSync(
    join(dir, 'templates', 'lint-note.hbs'),
    ['---', 'subject: "A note for {{lead.jobTitle}}"', '---', '<p>{{> greeting}}</p>', '<p>At {{lead.company}}.</p>'].join('\n'),
  );
  // An attribute printed unguarded can only be in a layout no email uses (the sample render has no attributes).
  writeFileSync(join(dir, 'templates', 'layouts', 'lint-spare.hbs'), '<p>{{lead.attributes.company_size}}</p>{{{body}}}');
  const shadowed = readFileSync(join(dir, 'sequences', 'new-signups.yaml'), 'utf8').replace(/^id: .*$/m, 'id: lint-shadow').replace(/^priority: .*$/m, 'priority: 5');
  writeFileSync(join(dir, 'sequences', 'lint-shadow.yaml'), shadowed);
  const config = join(dir, 'nurture.yaml');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^consent: /m, 'lint: { emptyShare: 0.05 }\nconsent: '));
}

describe.runIf(PG_TESTS)('nurture lint on PostgreSQL', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
    seed(ws.dir);
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    for (const argv of [
      ['leads', 'import', 'examples/leads.csv'],
      ['leads', 'import', 'lint-leads.csv'],
      ['events', 'import', 'examples/events.csv', '--at', AT],
      ['run', '--at', AT],
    ]) {
      const r = await cli(...argv);
      expect(r.status, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
    url = await cluster.createDatabase('lint');
    const copied = await cli('db', 'copy', '--to', url);
    expect(copied.status, copied.stderr).toBe(0);
  }, 120_000);
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  it('prints the same lead checks from PostgreSQL as from SQLite', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(LATER)));
    const sqlite = await cli('lint', '--json');
    const pg = await cli('lint', '--json', '--db', url);
    expect(sqlite.status, sqlite.stderr).toBe(0);
    expect(pg.status, pg.stderr).toBe(0);
    const body = JSON.parse(sqlite.stdout) as LintJson;
    expect(JSON.parse(pg.stdout)).toEqual(body);
    const text = await cli('lint');
    expect((await cli('lint', '--db', url)).stdout).toBe(text.stdout);

    // Each check had something to say (the four unsubscribed of the 40 are not current leads).
    const messages = body.warnings.map((w) => `${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
    expect(messages).toContain('nurture.yaml: holidays: 32 lead(s) in NP, which has no holiday data: mail can go out on its holidays; add its closed days under holidays.extra (countries: [NP])');
    expect(messages.some((m) => m.startsWith('nurture.yaml: holidays: 37 lead(s) in CA, which has only 5 closed day(s)'))).toBe(true);
    expect(messages.some((m) => m.startsWith('templates/lint-note.hbs:2: {{lead.jobTitle}} is empty for 9% of the current leads (26 of 302,'))).toBe(true);
    expect(messages.some((m) => m.startsWith('templates/layouts/lint-spare.hbs:1: {{lead.attributes.company_size}} is empty for 16% of the current leads (48 of 302,'))).toBe(true);
    expect(messages).toContain('sequences/lint-shadow.yaml: new-signups (higher priority) takes all 225 leads this audience matches: it never enrols anyone new');
    expect(body.audiences).toContainEqual({ sequence: 'lint-shadow', matches: 225, takenByHigher: 225 });
    expect(body.audiences!.map((a) => a.sequence)).toEqual(['evaluators', 'new-signups', 'lint-shadow', 'recycle']);
    expect(text.stdout).toContain('Audiences on the current leads:');
  });

  it('without a reachable server still validates the workspace, and says why the lead checks were skipped', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(LATER)));
    const down = 'postgres://nurture:secret@127.0.0.1:1/nurture';
    const result = await cli('lint', '--json', '--db', down);
    expect(result.status, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as LintJson;
    const sqlite = JSON.parse((await cli('lint', '--json')).stdout) as LintJson;
    expect(body.valid).toBe(true);
    expect(body.coverage).toEqual(sqlite.coverage);
    expect(body.audiences).toBeUndefined();
    expect(body.warnings).toContainEqual({ file: 'templates/lint-note.hbs', message: 'not used by any sequence' });
    const skipped = body.warnings.filter((w) => w.message.startsWith('lead checks skipped'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.file).toBe('nurture.yaml');
    expect(skipped[0]!.message).toMatch(/^lead checks skipped: cannot connect to PostgreSQL at postgres:\/\/nurture:\*\*\*@127\.0\.0\.1:1\/nurture: .*ECONNREFUSED/);
    expect(result.stdout).not.toContain('secret');
    expect(body.warnings.some((w) => w.message.includes('holidays:') || w.message.includes('is empty for'))).toBe(false);

    // The text output says so too.
    const text = await cli('lint', '--db', down);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('lead checks skipped: cannot connect to PostgreSQL');
  });

  it('never migrates a database: one not migrated is left as it is, and the lead checks are skipped', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(LATER)));
    const bare = await cluster.createDatabase('lint_bare');
    const result = await cli('lint', '--json', '--db', bare);
    expect(result.status, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as LintJson;
    expect(body.valid).toBe(true);
    const skipped = body.warnings.find((w) => w.message.startsWith('lead checks skipped'));
    expect(skipped?.message).toMatch(/^lead checks skipped: the PostgreSQL database .*lint_bare is not migrated \(0 of \d+ migrations applied; run `nurture db migrate`\)$/);
    const pool = openPool(bare, 1);
    try {
      const { rows } = await pool.query<{ tables: number }>("SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
      expect(rows[0]!.tables).toBe(0);
    } finally {
      await pool.end();
    }
    // Migrated but empty: the checks run and find no leads, as on a fresh SQLite file.
    expect((await cli('db', 'migrate', '--db', bare)).status).toBe(0);
    const empty = JSON.parse((await cli('lint', '--json', '--db', bare)).stdout) as LintJson;
    expect(empty.warnings.filter((w) => w.message.startsWith('lead checks skipped'))).toEqual([]);
    expect(empty.audiences).toBeUndefined();
  });

  it('runs under a role that may only read, and says so when it may not even read the leads', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(LATER)));
    const pool = openPool(url, 1);
    try {
      await pool.query('CREATE ROLE lint_reader LOGIN');
      await pool.query('GRANT USAGE ON SCHEMA public, drizzle TO lint_reader');
      await pool.query('GRANT SELECT ON ALL TABLES IN SCHEMA public, drizzle TO lint_reader');
      await pool.query('CREATE ROLE lint_stranger LOGIN');
      await pool.query('GRANT USAGE ON SCHEMA drizzle TO lint_stranger');
      await pool.query('GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO lint_stranger');
    } finally {
      await pool.end();
    }
    const as = (role: string) => url.replace('postgres://nurture@', `postgres://${role}@`);
    const sqlite = await cli('lint', '--json');
    const reader = await cli('lint', '--json', '--db', as('lint_reader'));
    expect(reader.status, reader.stderr).toBe(0);
    expect(JSON.parse(reader.stdout)).toEqual(JSON.parse(sqlite.stdout));

    const stranger = await cli('lint', '--json', '--db', as('lint_stranger'));
    expect(stranger.status, stranger.stderr).toBe(0);
    const body = JSON.parse(stranger.stdout) as LintJson;
    expect(body.warnings.filter((w) => w.message.startsWith('lead checks skipped'))).toEqual([
      { file: 'nurture.yaml', message: `lead checks skipped: reading leads from PostgreSQL at ${as('lint_stranger')} failed: permission denied for table leads` },
    ]);
    expect(body.audiences).toBeUndefined();
  });
});
