import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDiff } from '../../src/run/diff.js';
import { badInputWorkspace, NOW } from '../bad-input/support.js';

/** Issue 13.5: `nurture diff` shows what an audience edit does to the forecast, as it does for waits. */
describe('nurture diff after an audience edit', () => {
  const ws = badInputWorkspace();
  const base = mkdtempSync(join(tmpdir(), 'nurture-audience-base-'));
  let diff: PlanDiff;
  let text: string;

  beforeAll(async () => {
    for (const f of ['nurture.yaml', 'sequences', 'templates']) cpSync(ws.path(f), join(base, f), { recursive: true });
    expect((await ws.cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    // new-signups now takes only SaaS companies.
    ws.edit('sequences/new-signups.yaml', /^audience: \{ stages: \[awareness, interest\] \}$/m, 'audience: { stages: [awareness, interest], where: [{ field: industry, in: [SaaS] }] }');
    const window = ['--base', base, '--from', new Date(NOW).toISOString(), '--days', '14'];
    const json = await ws.cli('diff', ...window, '--json');
    expect(json.status, json.stderr).toBe(0);
    diff = JSON.parse(json.stdout) as PlanDiff;
    text = (await ws.cli('diff', ...window)).stdout;
  });
  afterAll(() => {
    ws.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  it('removes new-signups touches, and only those of leads outside the new audience', () => {
    // Who is outside, read from the database independently of the condition code.
    const outside = new Set(ws.query<{ email: string }>("SELECT email FROM leads WHERE lower(industry) <> 'saas'").map((r) => r.email));
    const removedLeads = new Set(diff.removed.map((r) => r.lead));
    expect(diff.removed.length).toBeGreaterThan(0);
    expect(diff.removed.every((r) => r.sequence === 'new-signups')).toBe(true);
    expect([...removedLeads].every((lead) => outside.has(lead))).toBe(true);
    expect(diff.leadsChanged).toEqual([...removedLeads].sort());
    // Nothing else moves: the SaaS leads keep their calendar to the minute.
    expect(diff.moved).toEqual([]);
    expect(diff.added).toEqual([]);
    expect(diff.volume.reduce((n, v) => n + v.before - v.after, 0)).toBe(diff.removed.length);
  });

  it('says so in the summary', () => {
    expect(text).toContain(`${diff.leadsChanged.length} leads with a changed calendar: 0 touches added, ${diff.removed.length} removed, 0 moved`);
  });
});
