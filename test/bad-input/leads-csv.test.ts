import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace, rejections } from './support.js';

/**
 * One messy export holding every problem at once. Physical lines (header = 1); the quoted
 * company on line 7 spans lines 7–8, so the short row is line 9.
 */
const LEADS_CSV = `\uFEFF${[
  'email,first_name,last_name,company,timezone,consent,consent_at',
  'kept.first@example.com,Kim,Lee,Lee Ltd,Europe/Berlin,confirmed,2026-10-01T09:00:00Z',
  'not-an-email,Bad,Email,Nowhere,,confirmed,',
  'mars@example.com,Elon,Red,Red Co,Mars/Olympus,confirmed,',
  'unsure@example.com,Mo,Bee,Bee Co,,maybe,',
  'Ana@Example.com,Ana,Silva,First Co,Europe/Lisbon,confirmed,2026-10-02T09:00:00Z',
  'multi@example.com,Sam,Smith,"Smith, Jones\r\n& Partners",America/Chicago,pending,',
  'short@example.com,Short',
  'ana@example.com,Ana,Pereira,Second Co,,,',
  'kept.last@example.com,Lou,Last,Last Inc,,none,',
].join('\r\n')}\r\n`;

describe('leads import: a CSV with a BOM, CRLF, quoted newlines and bad rows', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('rejects each bad row with its file, line, field and reason, keeps the rest, and exits 1', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS_CSV);

    const result = await ws.cli('leads', 'import', 'leads.csv');

    expect(result.status).toBe(1);
    expect(rejections(result.stderr)).toMatchInlineSnapshot(`
      [
        "leads.csv:3: rejected: email: "not-an-email" is not a valid email address",
        "leads.csv:4: rejected: timezone: "Mars/Olympus" is not an IANA time zone (expected e.g. Europe/Berlin)",
        "leads.csv:5: rejected: consent: "maybe" is not one of none, pending, confirmed, unsubscribed",
        "leads.csv:9: rejected: unreadable CSV row: 2 fields, but the header (line 1) has 7",
      ]
    `);
    expect(result.stdout).toContain(
      'leads.csv:10: note: same lead as line 6 (Ana@Example.com vs ana@example.com): merged, later values win',
    );
    expect(result.stdout).toContain('9 rows read, 4 stored (4 new, 0 updated), 4 rejected');

    const stored = ws.query<{
      email: string;
      last_name: string;
      company: string;
      timezone: string;
      consent: string;
    }>('SELECT email, last_name, company, timezone, consent FROM leads ORDER BY email');
    expect(stored).toEqual([
      // Merged: the later row's values win, its blank cells keep what the earlier row gave.
      {
        email: 'ana@example.com',
        last_name: 'Pereira',
        company: 'Second Co',
        timezone: 'Europe/Lisbon',
        consent: 'confirmed',
      },
      {
        email: 'kept.first@example.com',
        last_name: 'Lee',
        company: 'Lee Ltd',
        timezone: 'Europe/Berlin',
        consent: 'confirmed',
      },
      {
        email: 'kept.last@example.com',
        last_name: 'Last',
        company: 'Last Inc',
        timezone: '',
        consent: 'none',
      },
      // The quoted field keeps its comma and its line break exactly as written.
      {
        email: 'multi@example.com',
        last_name: 'Smith',
        company: 'Smith, Jones\r\n& Partners',
        timezone: 'America/Chicago',
        consent: 'pending',
      },
    ]);
  });

  it('finds the kept leads by any letter case, and not the rejected ones', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS_CSV);
    await ws.cli('leads', 'import', 'leads.csv');

    const ana = await ws.cli('explain', 'ANA@example.com', '--json');
    expect(ana.status).toBe(0);
    expect(JSON.parse(ana.stdout)).toMatchObject({ lead: 'ana@example.com', zone: 'Europe/Lisbon' });
    const multi = await ws.cli('score', '--lead', 'multi@example.com', '--json');
    expect(multi.status).toBe(0);
    expect(JSON.parse(multi.stdout)).toMatchObject({ lead: 'multi@example.com' });

    const mars = await ws.cli('explain', 'mars@example.com', '--json');
    expect(mars.status).toBe(1);
    expect(mars.stderr).toContain('no lead with address mars@example.com');
  });

  it('reports rejected rows with line and reason in --json output', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS_CSV);

    const result = await ws.cli('leads', 'import', 'leads.csv', '--json');

    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      file: string;
      rows: number;
      rejected: { line: number; reason: string }[];
      notices: { line: number; reason: string }[];
    };
    expect(report.file).toBe('leads.csv');
    expect(report.rows).toBe(9);
    expect(report.rejected.map((r) => r.line)).toEqual([3, 4, 5, 9]);
    expect(report.rejected[0]!.reason).toBe('email: "not-an-email" is not a valid email address');
    expect(report.rejected[3]!.reason).toContain('unreadable CSV row');
    expect(report.notices).toEqual([{ line: 10, reason: expect.stringContaining('same lead as line 6') }]);
  });

  it('counts lines the same way with LF endings, blank lines and no BOM', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    const lf = LEADS_CSV.replace(/^\uFEFF/, '')
      .replaceAll('\r\n', '\n')
      .replace('ana@example.com,', '\n\nana@example.com,');

    ws.write('leads.csv', lf);
    const result = await ws.cli('leads', 'import', 'leads.csv', '--json');

    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { rejected: { line: number }[]; notices: { line: number }[] };
    expect(report.rejected.map((r) => r.line)).toEqual([3, 4, 5, 9]);
    expect(report.notices.map((n) => n.line)).toEqual([12]);
  });

  it('reports a stray quote with its line and keeps reading the next rows', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write(
      'leads.csv',
      'email,company\r\nquote@example.com,Acme "Big" Co\r\nafter@example.com,After Co\r\n',
    );

    const result = await ws.cli('leads', 'import', 'leads.csv');

    expect(result.status).toBe(1);
    expect(rejections(result.stderr)).toEqual([
      'leads.csv:2: rejected: unreadable CSV row: company: a quote inside an unquoted value (quote the whole value and double the quotes inside it, e.g. "Acme ""Big"" Co")',
    ]);
    expect(ws.query('SELECT email FROM leads')).toEqual([{ email: 'after@example.com' }]);
  });

  it('reports a quote that is never closed, naming the lines it swallowed', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write(
      'leads.csv',
      'email,company\nfirst@example.com,First\nopen@example.com,"Open Co\nlost@example.com,Lost\n',
    );

    const result = await ws.cli('leads', 'import', 'leads.csv');

    expect(result.status).toBe(1);
    expect(rejections(result.stderr)).toEqual([
      'leads.csv:3: rejected: unreadable CSV row: a quoted value is never closed (lines 3–4 could not be read)',
    ]);
    expect(ws.query('SELECT email FROM leads')).toEqual([{ email: 'first@example.com' }]);
  });
});
