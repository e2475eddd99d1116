import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LeadStore } from '../../src/db/leads.js';
import { fitFields, fitScore, scoreLead } from '../../src/domain/scoring.js';
import { seedModel } from './model.js';
import { badInputWorkspace, NOW } from '../bad-input/support.js';

const LEADS = [
  'email,first_name,company,job_title,industry,country,timezone,consent,consent_at,company_size',
  'vera@brightstack.example,Vera,Brightstack,VP Marketing,SaaS,US,America/New_York,confirmed,2026-11-01T09:00:00Z,201-1000',
  'sam.lee@gmail.com,Sam,,Marketing Associate,Retail,US,America/New_York,confirmed,2026-11-01T09:00:00Z,1-10',
  'otto@quietco.example,Otto,Quietco,Analyst,Retail,US,America/New_York,confirmed,2026-11-01T09:00:00Z,1-10',
].join('\n');

const EVENTS = [
  'email,type,occurred_at,url',
  'vera@brightstack.example,page_viewed,2026-11-21T12:00:00Z,https://tidewater.example/pricing',
  'sam.lee@gmail.com,page_viewed,2026-11-21T12:00:00Z,https://tidewater.example/careers',
  'ghost@newco.example,meeting_booked,2026-11-22T15:00:00Z,',
  'ghost@newco.example,page_viewed,2026-11-22T14:00:00Z,https://tidewater.example/pricing',
].join('\n');

const GHOST = [
  'email,first_name,company,job_title,industry,country,timezone,consent',
  'Ghost@NewCo.example,Gus,NewCo,Director of Marketing,Software,US,America/Chicago,confirmed',
].join('\n');

describe('scoring from the CLI: quarantine, incremental rescoring, history, handoff', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  async function imported() {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS);
    ws.write('events.csv', EVENTS);
    ws.write('ghost.csv', GHOST);
    expect((await ws.cli('leads', 'import', 'leads.csv')).status).toBe(0);
    return ws;
  }

  it('keeps events for unknown leads in quarantine, reports them, and exits 0', async () => {
    const ws = await imported();
    const result = await ws.cli('events', 'import', 'events.csv');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('events.csv: 4 rows read, 2 stored (2 new, 0 already known), 0 rejected, 2 quarantined');
    expect(result.stderr.split('\n')).toEqual([
      'events.csv:4: quarantined: email: no lead with address ghost@newco.example (kept in quarantine until a leads import adds it)',
      'events.csv:5: quarantined: email: no lead with address ghost@newco.example (kept in quarantine until a leads import adds it)',
    ]);
    expect(ws.query('SELECT email, type, source FROM quarantined_events ORDER BY id')).toEqual([
      { email: 'ghost@newco.example', type: 'meeting_booked', source: 'events.csv line 4' },
      { email: 'ghost@newco.example', type: 'page_viewed', source: 'events.csv line 5' },
    ]);
  });

  it('a later leads import resolves the quarantine, rescores the lead and hands a booked meeting to sales', async () => {
    const ws = await imported();
    await ws.cli('events', 'import', 'events.csv');
    const result = await ws.cli('leads', 'import', 'ghost.csv');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('2 quarantined event(s) now belong to imported leads and were added');
    expect(ws.query('SELECT count(*) AS n FROM quarantined_events')).toEqual([{ n: 0 }]);
    expect(ws.query("SELECT type, source FROM events WHERE source LIKE 'events.csv line 4'")).toEqual([
      { type: 'meeting_booked', source: 'events.csv line 4' },
    ]);
    const handoff = JSON.parse((await ws.cli('handoff', '--format', 'json')).stdout) as {
      leads: { lead: string; reason: string; at: string }[];
    };
    expect(handoff.leads).toEqual([
      expect.objectContaining({
        lead: 'ghost@newco.example',
        reason: 'meeting booked 2026-11-22T15:00:00.000Z',
        at: new Date(NOW).toISOString(),
      }),
    ]);
    const csv = (await ws.cli('handoff', '--format', 'csv')).stdout.split('\n');
    expect(csv[0]).toBe('lead,firstName,lastName,company,jobTitle,at,score,reason,stage');
    expect(csv[1]).toMatch(/^ghost@newco\.example,Gus,,NewCo,Director of Marketing,2026-11-23T12:00:00.000Z,[\d.]+,meeting booked 2026-11-22T15:00:00.000Z,sales-ready$/);
    expect(JSON.parse((await ws.cli('handoff', '--since', '2026-11-24', '--json')).stdout)).toEqual({
      since: '2026-11-24',
      leads: [],
    });
  });

  it('an events import rescores only the leads it touched, recording what moved', async () => {
    const ws = await imported();
    await ws.cli('events', 'import', 'events.csv');
    const history = ws.query<{ email: string; cause: string; stage: string; score: number }>(
      `SELECT l.email, h.cause, h.stage, h.score FROM score_history h JOIN leads l ON l.id = h.lead_id ORDER BY h.id`,
    );
    expect(history.map((h) => `${h.email} ${h.cause} ${h.stage} ${h.score}`)).toEqual([
      'vera@brightstack.example leads import leads.csv interest 40',
      'sam.lee@gmail.com leads import leads.csv unqualified -30',
      'otto@quietco.example leads import leads.csv awareness 0',
      'vera@brightstack.example events import events.csv desire 51.46',
      'sam.lee@gmail.com events import events.csv unqualified -44.32',
    ]);
  });

  it('score --lead --explain lists every rule with raw and decayed points that add up to the score', async () => {
    const ws = await imported();
    await ws.cli('events', 'import', 'events.csv');
    const json = JSON.parse((await ws.cli('score', '--lead', 'vera@brightstack.example', '--json')).stdout) as {
      score: number;
      fit: number;
      engagement: number;
      stage: string;
      nextStage: { stage: string; points: number };
      contributions: { rule: string; rawPoints: number; points: number }[];
      notFired: string[];
    };
    expect(json).toMatchObject({ score: 51.46, fit: 40, engagement: 11.46, stage: 'desire' });
    expect(json.nextStage).toEqual({ stage: 'sales-ready', points: 28.54 });
    expect(json.contributions.find((c) => c.rule === 'pricing-visit')).toMatchObject({ rawPoints: 12, points: 11.46 });
    expect(json.notFired).toContain('careers-visit');
    const text = await ws.cli('score', '--lead', 'vera@brightstack.example', '--explain');
    expect(text.stdout).toContain('fit 40 + engagement 11.46 = score 51.46');
    expect(text.stdout).toMatch(/pricing-visit\s+engagement\s+1\s+12\s+11\.46/);
  });

  it('explain shows the score history and the stage changes', async () => {
    const ws = await imported();
    await ws.cli('leads', 'import', 'ghost.csv');
    await ws.cli('events', 'import', 'events.csv');
    const body = JSON.parse((await ws.cli('explain', 'ghost@newco.example', '--json')).stdout) as {
      stageChanges: { from: string | null; to: string }[];
      handoff: { reason: string } | null;
    };
    expect(body.stageChanges.map((c) => `${c.from} → ${c.to}`)).toEqual(['null → interest', 'interest → sales-ready']);
    expect(body.handoff?.reason).toBe('meeting booked 2026-11-22T15:00:00.000Z');
    const text = await ws.cli('explain', 'ghost@newco.example');
    expect(text.stdout).toContain('Stage changes:');
    expect(text.stdout).toContain('interest → sales-ready');
  });

  it('a changed title rescores fit at import; a run records only moves of a point or more', async () => {
    const ws = await imported();
    await ws.cli('events', 'import', 'events.csv');
    ws.write('otto.csv', 'email,job_title\notto@quietco.example,VP Sales\n');
    expect((await ws.cli('leads', 'import', 'otto.csv')).stdout).toContain('1 lead(s) rescored');
    await ws.cli('run', '--at', '2026-11-23T12:00:00Z');
    await ws.cli('run', '--at', '2026-12-23T12:00:00Z');
    const rows = ws.query<{ email: string; cause: string; score: number }>(
      `SELECT l.email, h.cause, h.score FROM score_history h JOIN leads l ON l.id = h.lead_id
       WHERE h.cause IN ('leads import otto.csv', 'run') ORDER BY h.id`,
    );
    // The first run moves nothing (same moment as the imports); 30 days later the pricing visit
    // has halved (-5.73) and the careers visit too (+7.16), each a move of a point or more.
    expect(rows.map((r) => `${r.email} ${r.cause} ${r.score}`)).toEqual([
      'otto@quietco.example leads import otto.csv 25',
      'vera@brightstack.example run 45.73',
      'sam.lee@gmail.com run -37.16',
    ]);
  });

  it('a fit pass reads only the fields the rules name, and scores as the full scorer does', async () => {
    const ws = await imported();
    const db = new Database(ws.path('.nurture/nurture.db'), { readonly: true });
    try {
      const model = seedModel();
      const store = new LeadStore(db);
      const scanned = [...store.scanForFit(fitFields(model))];
      expect(scanned[0]).toMatchObject({ email: 'vera@brightstack.example', jobTitle: 'VP Marketing', firstName: '' });
      // Only the attributes the rules name (mid-market, role-address); one the lead lacks reads as blank.
      expect(scanned[0]!.attributes).toEqual({ company_size: '201-1000', role_address: '' });
      expect(scanned.map((l) => fitScore(model, l))).toEqual(
        store.page(0, 10).map((l) => scoreLead(model, l, [], NOW).fit),
      );
    } finally {
      db.close();
    }
  });
});
