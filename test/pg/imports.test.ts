import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { ACTIVECAMPAIGN, bytesOf, HUBSPOT, MARKETO, MAUTIC, PIPEDRIVE, SALESFORCE_CONTACTS, SALESFORCE_LEADS } from '../import/exports.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const AT = '2026-11-24T15:00:00Z';

/** Every table of the SQLite database, row for row (ids included), against the same table on PostgreSQL. */
async function expectSameTables(sqlitePath: string, url: string, skip: readonly string[] = []): Promise<void> {
  const sqlite = new Database(sqlitePath, { readonly: true });
  const pool = openPool(url, 1);
  try {
    const tables = (
      sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables).toContain('consent_log');
    for (const table of tables.filter((t) => !skip.includes(t))) {
      const columns = (sqlite.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[]).map((c) => c.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      const order = columns.includes('id') ? 'id' : list;
      const expected = sqlite.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${order}`).all();
      const actual = (await pool.query(`SELECT ${list} FROM "${table}" ORDER BY ${order}`)).rows.map((r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])),
      );
      expect({ table, rows: actual }).toEqual({ table, rows: expected });
    }
  } finally {
    sqlite.close();
    await pool.end();
  }
}

describe.runIf(PG_TESTS)('leads import and events import on PostgreSQL', () => {
  let cluster: PgCluster;
  let ws: ReturnType<typeof tempWorkspace>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    ws = tempWorkspace();
    const files: Record<string, string> = {
      // Events before their leads: quarantined, then moved in by the leads import.
      'early-events.csv': [
        'id,email,type,occurred_at,url',
        'early-1,theo.roux@orchardwell-analytics.fr,page_viewed,2026-08-20T10:00:00Z,https://tidewater.example/pricing',
        'early-2,Roshan.tamang@vantagewind-hq.com.np,webinar_attended,2026-08-21T10:00:00Z,',
        'early-3,nobody@nowhere.example,email_opened,2026-08-22T10:00:00Z,',
        'early-4,theo.roux@orchardwell-analytics.fr,no_such_type,2026-08-22T10:00:00Z,',
        'early-5,theo.roux@orchardwell-analytics.fr,page_viewed,2027-08-22T10:00:00Z,',
        // The same event twice without an id: same email, type, time and url.
        ',pooja.maharjan@vantagewind-hq.com.np,content_downloaded,2026-08-23T10:00:00Z,https://tidewater.example/guide.pdf',
        ',Pooja.Maharjan@vantagewind-hq.com.np,content_downloaded,2026-08-23T10:00:00Z,https://tidewater.example/guide.pdf',
        'early-8,jonas.schmidt@granitewind-hq.de,bounced,2026-08-24T10:00:00Z,',
      ].join('\n'),
      // Bad rows, a lead given twice, and an unsubscribed address asked to be confirmed again (invariant 11).
      'bad-leads.csv': [
        'email,first_name,consent,job_title,segment_hint',
        'not-an-address,Bad,confirmed,,',
        'mwalker@cedarpoint-technologies.com.au,Mia,confirmed,CMO,hot',
        'fresh.one@newco.example,Fresh,maybe,,',
        'fresh.two@newco.example,Fresh,pending,VP Marketing,warm',
        'FRESH.TWO@newco.example,Freshly,confirmed,,cold',
        'jonas.schmidt@granitewind-hq.de,Jonas,confirmed,,',
      ].join('\n'),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(ws.dir, name), `${text}\n`);
    for (const f of [HUBSPOT, SALESFORCE_LEADS, SALESFORCE_CONTACTS, MAUTIC, PIPEDRIVE, MARKETO, ACTIVECAMPAIGN]) writeFileSync(join(ws.dir, f.name), bytesOf(f));
  });
  afterAll(() => {
    cluster?.stop();
    ws?.cleanup();
  });

  it('leaves the same tables as SQLite, says the same, and re-imports change nothing', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const url = await cluster.createDatabase('imports');
    const steps: string[][] = [
      ['events', 'import', 'early-events.csv', '--at', AT],
      ['leads', 'import', 'examples/leads.csv'],
      ['events', 'import', 'examples/events.csv', '--at', AT],
      ...[HUBSPOT, SALESFORCE_LEADS, SALESFORCE_CONTACTS, MAUTIC, PIPEDRIVE, MARKETO, ACTIVECAMPAIGN].map((f) => ['leads', 'import', f.name, '--json']),
      ['leads', 'import', 'hubspot-contacts.csv', '--check'],
      ['leads', 'import', 'bad-leads.csv'],
      ['leads', 'import', 'examples/leads.csv', '--json'],
      ['events', 'import', 'examples/events.csv', '--at', AT, '--json'],
    ];
    const outputs: { step: string; status: number; stdout: string; stderr: string }[] = [];
    for (const argv of steps) {
      const onSqlite = await cli(...argv);
      const onPg = await cli(...argv, '--db', url);
      expect({ step: argv.join(' '), ...onPg }).toEqual({ step: argv.join(' '), ...onSqlite });
      outputs.push({ step: argv.join(' '), ...onSqlite });
    }
    // What the steps said, pinned where it matters (the same on both databases, as checked above).
    const [early, leads, events] = outputs;
    expect(early!.status).toBe(1);
    expect(early!.stderr).toContain('early-events.csv:5: rejected: type: "no_such_type" is not one of');
    expect(early!.stderr).toContain('early-events.csv:6: rejected: occurred_at: 2027-08-22T10:00:00Z is in the future');
    expect(early!.stdout).toContain('8 rows read, 0 stored (0 new, 0 already known), 2 rejected, 6 quarantined');
    expect(leads!.status).toBe(0);
    expect(leads!.stdout).toContain('300 stored (300 new, 0 updated)');
    expect(leads!.stdout).toContain('4 quarantined event(s) now belong to imported leads and were added');
    expect(events!.status).toBe(0);
    const bad = outputs.find((o) => o.step === 'leads import bad-leads.csv')!;
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('bad-leads.csv:2: rejected: email:');
    expect(bad.stderr).toContain('bad-leads.csv:4: rejected: consent:');
    expect(bad.stderr).toContain('bad-leads.csv:3: refused: consent: mwalker@cedarpoint-technologies.com.au is unsubscribed');
    expect(bad.stderr).toContain('bad-leads.csv:7: refused: consent: jonas.schmidt@granitewind-hq.de is bounced');
    const again = JSON.parse(outputs.at(-2)!.stdout) as { inserted: number; updated: number };
    expect(again).toMatchObject({ inserted: 0, updated: 300 });
    const eventsAgain = JSON.parse(outputs.at(-1)!.stdout) as { inserted: number; duplicates: number };
    expect(eventsAgain.inserted).toBe(0);
    expect(eventsAgain.duplicates).toBeGreaterThan(1000);

    await expectSameTables(join(ws.dir, '.nurture', 'nurture.db'), url);
    // Invariant 11 on PostgreSQL too: the refused rows kept their consent, and the refusals are logged.
    const pool = openPool(url, 1);
    try {
      const { rows } = await pool.query<{ email: string; consent: string; refused: string }>(
        `SELECT l.email, l.consent, c.refused FROM leads l JOIN consent_log c ON c.lead_id = l.id WHERE c.refused IS NOT NULL ORDER BY l.email`,
      );
      // The bad file's two, and the re-import of examples/leads.csv asking again for the leads its events unsubscribed.
      expect(rows).toContainEqual({ email: 'jonas.schmidt@granitewind-hq.de', consent: 'none', refused: 'confirmed' });
      expect(rows).toContainEqual({ email: 'mwalker@cedarpoint-technologies.com.au', consent: 'unsubscribed', refused: 'confirmed' });
      for (const r of rows) expect(r.consent).not.toBe(r.refused);
    } finally {
      await pool.end();
    }
  });
});
