import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { ACTIVECAMPAIGN, bytesOf, HUBSPOT, MARKETO, MAUTIC, PIPEDRIVE, SALESFORCE_CONTACTS, SALESFORCE_LEADS } from '../import/exports.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';
import { expectSameTables } from './same-tables.js';

const AT = '2026-11-24T15:00:00Z';

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

  it('imports while a tick runs, and two importers of the same new addresses store each lead once', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const url = await cluster.createDatabase('concurrent');
    expect((await cli('leads', 'import', 'examples/leads.csv', '--db', url)).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', AT, '--db', url)).status).toBe(0);
    const pool = openPool(url, 1);
    try {
      // Every known lead changes (a title the fit rules score), and 400 new ones arrive, twice at once.
      const emails = readFileSync(join(ws.dir, 'examples', 'leads.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(',')[0]!);
      writeFileSync(join(ws.dir, 'changed-leads.csv'), `${['email,job_title', ...emails.map((e) => `${e},VP Marketing`)].join('\n')}\n`);
      const fresh = Array.from({ length: 400 }, (_, i) => `new${i}@arrivals${i % 7}.example,New${i},Head of Marketing,SaaS,DE,Europe/Berlin,confirmed,2026-11-01T10:00:00Z,form`);
      const freshHeader = 'email,first_name,job_title,industry,country,timezone,consent,consent_at,consent_source';
      writeFileSync(join(ws.dir, 'new-leads.csv'), `${[freshHeader, ...fresh].join('\n')}\n`);
      // And events for the known leads, imported at the same time (their insert trigger wakes each lead).
      const visits = emails.map((e, i) => `visit-${i},${e},page_viewed,2026-11-24T14:00:00Z,https://tidewater.example/pricing`);
      writeFileSync(join(ws.dir, 'visits.csv'), `${['id,email,type,occurred_at,url', ...visits].join('\n')}\n`);
      // The leads whose title the file changes (not those that had it already: an equal value wakes nobody).
      const before = new Map(
        (await pool.query<{ email: string; v: number }>(`SELECT email, input_version AS v FROM leads WHERE job_title <> 'VP Marketing'`)).rows.map((r) => [r.email, r.v]),
      );
      expect(before.size).toBeGreaterThan(250);

      const results = await Promise.all([
        cli('run', '--at', AT, '--db', url),
        cli('leads', 'import', 'changed-leads.csv', '--db', url, '--json'),
        cli('leads', 'import', 'new-leads.csv', '--db', url, '--json'),
        cli('leads', 'import', 'new-leads.csv', '--db', url, '--json'),
        cli('events', 'import', 'visits.csv', '--at', AT, '--db', url, '--json'),
      ]);
      for (const r of results) expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      const [, changedReport, first, second, visitsReport] = results.map((r) => (r.stdout.startsWith('{') ? (JSON.parse(r.stdout) as { inserted: number; updated: number }) : null));
      expect(changedReport).toMatchObject({ inserted: 0, updated: 300 });
      expect(visitsReport).toMatchObject({ inserted: 300 });
      expect((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE external_id LIKE 'visit-%'`)).rows[0]!.n).toBe(300);
      // Between them, the two importers inserted each new lead once and updated it once.
      expect(first!.inserted + second!.inserted).toBe(400);
      expect(first!.updated + second!.updated).toBe(400);

      const counts = (await pool.query<{ leads: number; titled: number; logs: number; runs: string }>(
        `SELECT (SELECT count(*)::int FROM leads) AS leads,
                (SELECT count(*)::int FROM leads WHERE job_title = 'VP Marketing') AS titled,
                (SELECT count(*)::int FROM consent_log c JOIN leads l ON l.id = c.lead_id WHERE l.email LIKE 'new%@arrivals%') AS logs,
                (SELECT string_agg(status, ',') FROM runs) AS runs`,
      )).rows[0]!;
      expect(counts).toEqual({ leads: 700, titled: 300, logs: 400, runs: 'finished' });
      // Each changed lead's input moved (its trigger woke it): a tick that planned it from the old title does not keep that plan asleep.
      const after = (await pool.query<{ email: string; v: number; wake: number }>('SELECT email, input_version AS v, wake_at AS wake FROM leads')).rows;
      for (const r of after.filter((l) => before.has(l.email))) expect(r.v).toBeGreaterThan(before.get(r.email)!);
      // The next tick plans every lead left awake (those the import changed after the first tick read them, and the new ones).
      const { rows: awake } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE wake_at <= $1', [Date.parse('2026-11-24T16:00:00Z')]);
      expect(awake[0]!.n).toBeGreaterThanOrEqual(400);
      const next = await cli('run', '--at', '2026-11-24T16:00:00Z', '--db', url, '--json');
      expect(next.status).toBe(0);
      expect((JSON.parse(next.stdout) as { counts: { leads: number } }).counts.leads).toBe(awake[0]!.n);
    } finally {
      await pool.end();
    }
  });

  it('nurture demo imports the examples, runs and shows the calendar on PostgreSQL, as on SQLite', async () => {
    const demoWs = tempWorkspace();
    try {
      const cli = cliIn(demoWs.dir, new TestClock(Date.parse(AT)));
      const url = await cluster.createDatabase('demo');
      const onPg = await cli('demo', '--db', url);
      expect(onPg.stderr).toBe('');
      expect(onPg.status).toBe(0);
      const onSqlite = await cli('demo');
      expect(onSqlite.status).toBe(0);
      // The same imports, the same run (its number and counts) and the same two weeks of calendar.
      expect(onPg.stdout).toContain('Imported examples: 300 leads (0 rejected)');
      expect(onPg.stdout).toContain('The next two weeks:\n\n');
      expect(onPg.stdout).toEqual(onSqlite.stdout);
      // Idempotent: a second demo imports nothing new.
      expect((await cli('demo', '--db', url)).stdout).toContain('Imported examples: 300 leads (0 rejected), 0 new events');
    } finally {
      demoWs.cleanup();
    }
  });

  it('says plainly when the PostgreSQL server cannot be reached, and stores nothing anywhere', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const down = `postgres://nurture@127.0.0.1:${cluster.port + 1}/nurture`;
    const r = await cli('leads', 'import', 'examples/leads.csv', '--db', down);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot connect to PostgreSQL at`);
    expect(r.stdout).toBe('');
  });

  it('events for addresses a concurrent leads import is adding are never left in quarantine', async () => {
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)));
    const url = await cluster.createDatabase('quarantine_race');
    expect((await cli('db', 'migrate', '--db', url)).status).toBe(0);
    const pool = openPool(url, 1);
    try {
      for (let round = 0; round < 3; round++) {
        const emails = Array.from({ length: 3000 }, (_, i) => `r${round}-${i}@race.example`);
        writeFileSync(join(ws.dir, 'race-leads.csv'), `${['email,consent', ...emails.map((e) => `${e},confirmed`)].join('\n')}\n`);
        const events = emails.map((e, i) => `race-${round}-${i},${e},page_viewed,2026-11-24T14:00:00Z,`);
        writeFileSync(join(ws.dir, 'race-events.csv'), `${['id,email,type,occurred_at,url', ...events].join('\n')}\n`);
        const [leads, evs] = await Promise.all([
          cli('leads', 'import', 'race-leads.csv', '--db', url),
          cli('events', 'import', 'race-events.csv', '--at', AT, '--db', url),
        ]);
        expect([leads.status, evs.status]).toEqual([0, 0]);
        const { rows } = await pool.query<{ events: number; quarantined: number }>(
          `SELECT (SELECT count(*)::int FROM events WHERE external_id LIKE $1) AS events,
                  (SELECT count(*)::int FROM quarantined_events WHERE external_id LIKE $1) AS quarantined`,
          [`race-${round}-%`],
        );
        expect({ round, ...rows[0] }).toEqual({ round, events: 3000, quarantined: 0 });
      }
    } finally {
      await pool.end();
    }
  });
});
