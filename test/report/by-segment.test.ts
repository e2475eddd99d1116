import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { badInputWorkspace } from '../bad-input/support.js';

/**
 * `nurture report --by segment` (DESIGN.md section 5): one row per named segment, its leads'
 * messages; a lead in two segments counts in both, the totals count it once, and the leads in no
 * segment have their own row. Checked against counts written in SQL here.
 */
const SEGMENTS = `
segments:
  canada: { where: [{ field: country, in: [CA] }] }
  us: { where: [{ field: country, in: [US] }] }
  north-america: { any: [{ segment: canada }, { segment: us }] }
`;
const FROM = '2026-11-20T00:00:00Z';
const TO = '2026-11-27T00:00:00Z';

describe('nurture report --by segment', () => {
  const ws = badInputWorkspace();
  let report: Report;

  beforeAll(async () => {
    ws.write('nurture.yaml', ws.read('nurture.yaml') + SEGMENTS);
    expect((await ws.cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    for (const at of ['2026-11-23T12:00:00Z', '2026-11-24T12:00:00Z', '2026-11-25T15:00:00Z']) {
      const run = await ws.cli('run', '--at', at);
      expect(run.status, run.stderr).toBe(0);
    }
    const out = await ws.cli('report', '--by', 'segment', '--from', FROM, '--to', TO, '--json');
    expect(out.status, out.stderr).toBe(0);
    report = JSON.parse(out.stdout) as Report;
  });
  afterAll(() => ws.cleanup());

  const sent = (countries: string[] | 'other') =>
    ws.query<{ sent: number; leads: number }>(
      `SELECT count(*) AS sent, count(DISTINCT s.lead_id) AS leads FROM sends s JOIN leads l ON l.id = s.lead_id
       WHERE s.status = 'sent' AND s.sent_at >= ? AND s.sent_at < ?
         AND ${countries === 'other' ? "l.country NOT IN ('CA', 'US')" : `l.country IN (${countries.map((c) => `'${c}'`).join(', ')})`}`,
      Date.parse(FROM),
      Date.parse(TO),
    )[0]!;

  it('counts each segment’s messages and leads, a lead in several segments in each', () => {
    const row = (segment: string) => report.rows.find((r) => r.segment === segment);
    expect(report.by).toBe('segment');
    expect(report.rows.map((r) => r.segment)).toEqual(['(none)', 'canada', 'north-america', 'us']);
    for (const [segment, countries] of [['canada', ['CA']], ['us', ['US']], ['north-america', ['CA', 'US']], ['(none)', 'other']] as const) {
      const expected = sent(countries as string[] | 'other');
      expect(expected.sent).toBeGreaterThan(0);
      expect({ segment, sent: row(segment)!.sent, leads: row(segment)!.leads }).toEqual({ segment, ...expected });
    }
  });

  it('counts every message once in the totals', () => {
    const all = ws.query<{ sent: number; leads: number }>(
      "SELECT count(*) AS sent, count(DISTINCT lead_id) AS leads FROM sends WHERE status = 'sent' AND sent_at >= ? AND sent_at < ?",
      Date.parse(FROM),
      Date.parse(TO),
    )[0]!;
    expect({ sent: report.totals.sent, leads: report.totals.leads }).toEqual(all);
  });

  it('prints a table keyed by segment, and refuses when no segment is defined', async () => {
    const table = await ws.cli('report', '--by', 'segment', '--from', FROM, '--to', TO);
    expect(table.stdout).toMatch(/^segment\s/m);
    expect(table.stdout).toMatch(/^north-america\s/m);
    ws.write('nurture.yaml', ws.read('nurture.yaml').replace(SEGMENTS, '\n'));
    const refused = await ws.cli('report', '--by', 'segment');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--by segment: this workspace defines no segments to group by (nurture.yaml: segments)');
  });
});
