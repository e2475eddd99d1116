import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportRow } from '../../src/report/types.js';
import { leadRef } from '../../src/run/lead-ref.js';
import { logIn, type LoggedIn, type RunningServe, startServe } from '../web/login-session.js';
import { DAY0, simulate } from './simulation.js';

type Sim = Awaited<ReturnType<typeof simulate>>;
const BYS = ['sequence', 'step', 'force', 'week'] as const;
const UNIQUE_LEADS = ['opened', 'humanOpened', 'clicked', 'humanClicked', 'unsubscribed', 'converted'] as const;

/** Every number on the page: `data-row` → `data-metric` → value. */
function numbersOf(page: string, by: string): Map<string, Record<string, number>> {
  const table = page.slice(page.indexOf(`report-table by-${by}`));
  const body = table.slice(0, table.indexOf('</table>'));
  const out = new Map<string, Record<string, number>>();
  for (const m of body.matchAll(/data-metric="(\w+)" data-row="([^"]+)"(?: href="[^"]+")?>(\d+)</g)) {
    const row = m[2]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    out.set(row, { ...(out.get(row) ?? {}), [m[1]!]: Number(m[3]) });
  }
  return out;
}

const rowKey = (by: string, r: ReportRow) => (by === 'step' ? `${r.sequence}/${r.step}` : (r as unknown as Record<string, string>)[by]!);
const hrefs = (page: string) => [...page.matchAll(/data-metric="(\w+)" data-row="([^"]+)" href="([^"]+)"/g)].map((m) => ({ metric: m[1]!, row: m[2]!, href: m[3]!.replace(/&amp;/g, '&') }));

describe('the report page over real HTTP, against nurture report --json', () => {
  let sim: Sim;
  let served: RunningServe;
  let session: LoggedIn;
  const from = DAY0;
  let to: number;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${served.base}${path}`, { redirect: 'manual', headers });
  const report = async (by: string) => {
    const r = await sim.cli('report', '--json', '--by', by, '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString());
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Report;
  };
  const query = () => `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;

  beforeAll(async () => {
    sim = await simulate({ leads: 60, weeks: 3, seed: 20261203 });
    to = sim.end;
    served = await startServe(sim.ws.dir, sim.clock);
    session = await logIn(served.loginUrl);
  }, 240_000);
  afterAll(async () => {
    await served?.stop();
    await sim?.close();
  });

  it('refuses the page and the lead lists without a login, with no lead address in the answer', async () => {
    const page = await get(`/report?${query()}`);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/login\?next=/);
    const list = await get(`/report/leads?metric=sent&${query()}`);
    expect(list.status).toBe(302);
    const json = await get(`/report/leads?metric=sent&${query()}`, { accept: 'application/json' });
    expect(json.status).toBe(401);
    for (const r of [page, list, json]) expect(await r.text()).not.toMatch(/@company\d+\.example/);
    const forged = await get(`/report/leads?metric=sent&${query()}`, { cookie: 'nurture_session=0123456789abcdef0123456789abcdef' });
    expect(forged.status).toBe(302);
  });

  it.each(BYS)('shows by %s every number nurture report --json gives', async (by) => {
    const response = await get(`/report?${query()}`, { cookie: session.cookie });
    expect(response.status).toBe(200);
    const page = await response.text();
    const json = await report(by);
    const shown = numbersOf(page, by);
    const rows = json.rows.filter((r) => r.sent > 0 || r.converted > 0);
    expect(rows.length).toBeGreaterThan(by === 'sequence' ? 0 : 1);
    const expected = new Map(
      [...rows.map((r) => [rowKey(by, r), r] as const), ['total', json.totals] as const].map(([k, r]) => [
        k,
        { sent: r.sent, delivered: r.delivered, opened: r.opened, humanOpened: r.humanOpened, clicked: r.clicked, humanClicked: r.humanClicked, unsubscribed: r.unsubscribed, converted: r.converted },
      ]),
    );
    expect(shown).toEqual(expected);
  });

  it('links each number to exactly the leads behind it, each to its lead page', async () => {
    const page = await (await get(`/report?${query()}`, { cookie: session.cookie })).text();
    const links = hrefs(page);
    expect(links.length).toBeGreaterThan(40);
    const bySeq = await report('sequence');
    const byStep = await report('step');
    const byForce = await report('force');
    const byWeek = await report('week');
    const rowOf = new Map<string, ReportRow>();
    for (const [by, json] of [['sequence', bySeq], ['step', byStep], ['force', byForce], ['week', byWeek]] as const) for (const r of json.rows) rowOf.set(`${by}|${rowKey(by, r)}`, r);
    for (const link of links) {
      const by = link.href.includes('step=') ? 'step' : link.href.includes('sequence=') ? 'sequence' : link.href.includes('force=') ? 'force' : link.href.includes('week=') ? 'week' : 'total';
      const row = by === 'total' ? bySeq.totals : rowOf.get(`${by}|${link.row}`)!;
      const list = await (await get(link.href, { cookie: session.cookie })).text();
      const count = Number(/id="lead-count">(\d+)</.exec(list)![1]);
      const messages = Number(/<\/strong> [^—]+— ([\d.]+) /.exec(list)![1]);
      if ((UNIQUE_LEADS as readonly string[]).includes(link.metric)) expect(count, `${link.metric} ${link.row}`).toBe(row[link.metric as (typeof UNIQUE_LEADS)[number]]);
      if (link.metric === 'sent') expect([count, messages], link.row).toEqual([row.leads, row.sent]);
      if (link.metric === 'delivered') expect([count, messages], link.row).toEqual([row.rates.humanOpen.denominator, row.delivered]);
      expect(list.match(/href="\/leads\/[0-9a-f]{20}"/g)?.length ?? 0).toBe(Math.min(count, 100));
    }
  }, 120_000);

  it('lists the leads an independent query finds, by their refs, and opens their lead pages', async () => {
    const expected = sim.db
      .prepare(
        `SELECT DISTINCT l.email FROM sends s JOIN leads l ON l.id = s.lead_id JOIN events e ON e.send_id = s.id
         WHERE s.status = 'sent' AND s.sent_at >= ? AND s.sent_at < ? AND s.force = 'pull' AND e.type = 'email_clicked' AND e.signal = 'human'`,
      )
      .pluck()
      .all(from, to) as string[];
    expect(expected.length).toBeGreaterThan(0);
    const list = await (await get(`/report/leads?metric=humanClicked&force=pull&${query()}`, { cookie: session.cookie })).text();
    const refs = [...list.matchAll(/href="\/leads\/([0-9a-f]{20})"/g)].map((m) => m[1]);
    expect(new Set(refs)).toEqual(new Set(expected.map((email) => leadRef('test-secret', email))));
    const lead = await get(`/leads/${refs[0]}`, { cookie: session.cookie });
    expect(lead.status).toBe(200);
    expect(await lead.text()).toContain(expected.find((email) => leadRef('test-secret', email) === refs[0]));
  });

  it('says what is wrong with a bad period or metric', async () => {
    const bad = await get('/report?from=yesterday', { cookie: session.cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('--from: &quot;yesterday&quot; is not an ISO 8601 date');
    const metric = await get(`/report/leads?metric=ip&${query()}`, { cookie: session.cookie });
    expect(metric.status).toBe(400);
    expect(await metric.text()).toMatch(/^metric: "ip" is not one of sent, delivered/);
    expect(metric.headers.get('content-type')).toContain('text/plain');
  });
});
