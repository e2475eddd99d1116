import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace } from '../bad-input/support.js';

describe('leads import: column mapping, --check and consent refusals', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());
  const workspace = () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    return ws;
  };

  it('lists columns kept as attributes once, with "did you mean" for near misses', async () => {
    const ws = workspace();
    ws.write('leads.csv', 'email,First Nmae,Compnay,Jobtitle,Favourite Colour\nkim@example.com,Kim,Lee Ltd,CMO,teal\nlou@example.com,Lou,Last Inc,VP Sales,red\n');
    const result = await ws.cli('leads', 'import', 'leads.csv');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.includes('kept as'))).toEqual([
      'leads.csv: kept as attributes: "First Nmae" (did you mean first_name?), "Compnay" (did you mean company?), "Favourite Colour"',
    ]);
    expect(ws.query('SELECT job_title, attributes FROM leads ORDER BY email')).toEqual([
      { job_title: 'CMO', attributes: '{"first_nmae":"Kim","compnay":"Lee Ltd","favourite_colour":"teal"}' },
      { job_title: 'VP Sales', attributes: '{"first_nmae":"Lou","compnay":"Last Inc","favourite_colour":"red"}' },
    ]);
  });

  it('reads a column as a field with --map and with import.map in nurture.yaml (--map wins)', async () => {
    const ws = workspace();
    ws.edit('nurture.yaml', /^timezone:/m, 'import:\n  map: { "Job Function": job_title, "Org": company }\ntimezone:');
    ws.write('leads.csv', 'E-mail,Job Function,Org\nkim@example.com,Head of Marketing,Lee Ltd\n');
    expect((await ws.cli('leads', 'import', 'leads.csv')).status).toBe(0);
    expect(ws.query('SELECT job_title, company, attributes FROM leads')).toEqual([
      { job_title: 'Head of Marketing', company: 'Lee Ltd', attributes: '{}' },
    ]);
    ws.write('leads2.csv', 'E-mail,Job Function,Org\nkim@example.com,Head of Marketing,Lee Ltd\n');
    expect((await ws.cli('leads', 'import', 'leads2.csv', '--map', 'Org=industry')).status).toBe(0);
    expect(ws.query('SELECT company, industry FROM leads')).toEqual([{ company: 'Lee Ltd', industry: 'Lee Ltd' }]);
  });

  it('refuses a --map onto a field we do not have, and a --map that is not Header=field', async () => {
    const ws = workspace();
    ws.write('leads.csv', 'email\nkim@example.com\n');
    const unknown = await ws.cli('leads', 'import', 'leads.csv', '--map', 'Job Function=jobtitle');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(
      'nurture: --map Job Function=jobtitle: "jobtitle" is not a lead field (expected one of email, first_name, last_name, full_name, company, job_title, industry, country, state, city, timezone, consent, consent_at, consent_source, unsubscribed, bounced, marketing_status, lifecycle_stage)',
    );
    const malformed = await ws.cli('leads', 'import', 'leads.csv', '--map', 'Job Function');
    expect(malformed.status).toBe(1);
    expect(malformed.stderr).toBe(`nurture: --map: "Job Function" is not Header=field (e.g. --map 'Job Function=job_title')`);
    const preset = await ws.cli('leads', 'import', 'leads.csv', '--preset', 'zoho');
    expect(preset.status).toBe(2);
    expect(preset.stderr).toContain("option '--preset <name>' argument 'zoho' is invalid. Allowed choices are hubspot, salesforce, mautic, pipedrive, marketo, activecampaign.");
    expect(ws.query('SELECT count(*) AS n FROM leads')).toEqual([{ n: 0 }]);
  });

  it('--check shows how the file is read and the first rows as they would be stored, and stores nothing', async () => {
    const ws = workspace();
    ws.write(
      'leads.csv',
      'id,firstname,lastname,email,company,position,country,city,dnc\n1,Anna,Kowalska,anna@wisla.example,Wisła Software,Head of Marketing,Poland,Kraków,0\n2,Pierre,Martin,pierre@seine.example,Seine Data,CMO,France,Paris,1\n',
    );
    const result = await ws.cli('leads', 'import', 'leads.csv', '--check', '--preset', 'mautic');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "leads.csv: 2 rows read, 2 valid (--check: nothing stored), 0 rejected
      leads.csv: read as a Mautic export (preset given)
      leads.csv: kept as attributes: "id"
      leads.csv: zones: 0 given, 2 from their country, 0 on the workspace zone (America/New_York)
      leads.csv: from the CRM: 1 opted out (stored as unsubscribed)
      leads.csv: the first 2 lead(s) as they would be stored:
      line  email                 name           company         job title          country  zone                     consent       attributes
      ----  --------------------  -------------  --------------  -----------------  -------  -----------------------  ------------  -----------------
      2     anna@wisla.example    Anna Kowalska  Wisła Software  Head of Marketing  PL       Europe/Warsaw (country)  (unchanged)   id=1; city=Kraków
      3     pierre@seine.example  Pierre Martin  Seine Data      CMO                FR       Europe/Paris (country)   unsubscribed  id=2; city=Paris"
    `);
    expect(ws.query('SELECT count(*) AS n FROM leads')).toEqual([{ n: 0 }]);
  });

  it('never re-subscribes an unsubscribed lead: the row is reported as refused and the consent log keeps the refusal', async () => {
    const ws = workspace();
    ws.write('first.csv', 'email,consent\nkim@example.com,confirmed\n');
    expect((await ws.cli('leads', 'import', 'first.csv')).status).toBe(0);
    ws.write('optout.csv', 'Email,HasOptedOutOfEmail,FirstName,LastName\nkim@example.com,true,Kim,Lee\n');
    expect((await ws.cli('leads', 'import', 'optout.csv')).status).toBe(0);
    ws.write('again.csv', 'email,first_name,consent,consent_at\nKim@Example.com,Kimberly,confirmed,2026-11-20T09:00:00Z\n');
    const again = await ws.cli('leads', 'import', 'again.csv');
    expect(again.status).toBe(0);
    expect(again.stderr).toBe(
      'again.csv:2: refused: consent: kim@example.com is unsubscribed: the file\'s "confirmed" was refused, consent stays unsubscribed (only a new opt-in through the confirmation link re-subscribes)',
    );
    expect(ws.query('SELECT first_name, consent, suppressed_reason FROM leads')).toEqual([
      { first_name: 'Kimberly', consent: 'unsubscribed', suppressed_reason: 'unsubscribed' },
    ]);
    expect(ws.query('SELECT consent, previous, source, evidence, refused FROM consent_log ORDER BY id')).toEqual([
      { consent: 'confirmed', previous: null, source: 'import', evidence: 'first.csv line 2', refused: null },
      { consent: 'unsubscribed', previous: 'confirmed', source: 'crm-opt-out', evidence: 'optout.csv line 2', refused: null },
      { consent: 'unsubscribed', previous: 'unsubscribed', source: 'import', evidence: 'again.csv line 2', refused: 'confirmed' },
    ]);
  });

  it('keeps a given zone over a later guess, and lets a given zone replace a guessed one', async () => {
    const ws = workspace();
    ws.write('a.csv', 'email,country,timezone\ngiven@example.com,DE,Europe/Zurich\nguessed@example.com,DE,\n');
    expect((await ws.cli('leads', 'import', 'a.csv')).status).toBe(0);
    ws.write('b.csv', 'email,country,timezone\ngiven@example.com,Germany,\nguessed@example.com,DE,Europe/Busingen\n');
    expect((await ws.cli('leads', 'import', 'b.csv')).status).toBe(0);
    expect(ws.query('SELECT email, timezone, zone_source FROM leads ORDER BY email')).toEqual([
      { email: 'given@example.com', timezone: 'Europe/Zurich', zone_source: 'given' },
      { email: 'guessed@example.com', timezone: 'Europe/Busingen', zone_source: 'given' },
    ]);
  });

  it('keeps a lead whose country it does not know, with a note, and without a country', async () => {
    const ws = workspace();
    ws.write('leads.csv', 'email,country\nkim@example.com,Atlantis\n');
    const result = await ws.cli('leads', 'import', 'leads.csv');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'leads.csv:2: note: country: "Atlantis" is not a country we know (expected a name such as Germany or a code such as DE); stored without a country',
    );
    expect(ws.query('SELECT country, timezone, zone_source FROM leads')).toEqual([{ country: '', timezone: '', zone_source: 'workspace' }]);
  });
});
