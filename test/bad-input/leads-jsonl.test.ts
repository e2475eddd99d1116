import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace, rejections } from './support.js';

const LEADS_JSONL = `\uFEFF${[
  '{"email":"first@example.com","first_name":"Fay","company":"First Co","consent":"confirmed"}',
  '{"email":"broken@example.com","first_name":"Bo"',
  '',
  '{"email":"unsure@example.com","consent":"maybe"}',
  '["not","an","object"]',
  '{"email":"Last@Example.com","company":"Last, Inc.\\nLondon","company_size":"51-200"}',
].join('\r\n')}\r\n`;

describe('leads import: JSON Lines', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('reports an invalid JSON line with its line number and keeps the other lines', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.jsonl', LEADS_JSONL);

    const result = await ws.cli('leads', 'import', 'leads.jsonl');

    expect(result.status).toBe(1);
    const lines = rejections(result.stderr);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^leads\.jsonl:2: rejected: unreadable JSON: /);
    expect(lines[1]).toBe(
      'leads.jsonl:4: rejected: consent: "maybe" is not one of none, pending, confirmed, unsubscribed',
    );
    expect(lines[2]).toBe('leads.jsonl:5: rejected: unreadable JSON: expected a JSON object');
    expect(result.stdout).toContain('leads.jsonl: 5 rows read, 2 stored (2 new, 0 updated), 3 rejected');

    expect(
      ws.query<{ email: string; company: string; attributes: string }>(
        'SELECT email, company, attributes FROM leads ORDER BY email',
      ),
    ).toEqual([
      { email: 'first@example.com', company: 'First Co', attributes: '{}' },
      { email: 'last@example.com', company: 'Last, Inc.\nLondon', attributes: '{"company_size":"51-200"}' },
    ]);
  });

  it('puts the line and reason into --json output', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.jsonl', LEADS_JSONL);

    const result = await ws.cli('leads', 'import', 'leads.jsonl', '--json');

    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { rejected: { line: number; reason: string }[] };
    expect(report.rejected).toEqual([
      { line: 2, reason: expect.stringContaining('unreadable JSON') },
      { line: 4, reason: expect.stringContaining('consent: "maybe"') },
      { line: 5, reason: 'unreadable JSON: expected a JSON object' },
    ]);
  });
});
