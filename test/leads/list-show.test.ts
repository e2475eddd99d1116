import { afterEach, describe, expect, it } from 'vitest';
import { leadsWorkspace } from './support.js';

/** `leads list` (filters, table, CSV, JSON) and `leads show`, with their error texts pinned. */

describe('leads list and show', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  async function ws() {
    const w = await leadsWorkspace();
    cleanup = w.cleanup;
    await w.cli('run', '--at', '2026-11-23T15:00:00Z');
    return w;
  }

  it('filters by stage, sequence and fields (attributes too), in every format', async () => {
    const w = await ws();
    const emails = async (...args: string[]) =>
      (JSON.parse((await w.cli('leads', 'list', ...args, '--json')).stdout) as { leads: { lead: string }[] }).leads.map((l) => l.lead);
    expect(await emails()).toHaveLength(6);
    expect(await emails('--stage', 'unqualified')).toEqual(['cara@quietco.example']);
    expect(await emails('--sequence', 'new-signups')).toEqual(['ana@brightstack.example']);
    expect(await emails('--where', 'attributes.plan=PRO', '--where', 'company=northwind')).toEqual([
      'eve@northwind.example',
      'fay@northwind.example',
    ]);
    expect(await emails('--where', 'consent=none', '--limit', '5')).toEqual(['ben@quietco.example']);

    const csv = (await w.cli('leads', 'list', '--where', 'email=dan@quietco.example', '--format', 'csv')).stdout.split('\n');
    expect(csv).toEqual([
      'email,first_name,last_name,company,job_title,industry,country,timezone,zone,consent,stage,score,sequence,suppressed,paused_until',
      'dan@quietco.example,Dan,Ruiz,Quietco,Analyst,Retail,US,,America/New_York,unsubscribed,awareness,0,,unsubscribed,',
    ]);
    const table = (await w.cli('leads', 'list', '--stage', 'interest')).stdout.split('\n');
    expect(table[0]).toMatch(/^email\s+name\s+company\s+country\s+zone\s+consent\s+stage\s+score\s+sequence\s+status$/);
    expect(table.slice(2)).toEqual([
      expect.stringMatching(/^ana@brightstack\.example\s+Ana Reyes\s+Brightstack\s+US\s+America\/New_York\s+confirmed\s+interest\s+35\s+new-signups$/),
      expect.stringMatching(/^eve@northwind\.example\s+Eve Moss/),
      '2 lead(s)',
    ]);
    expect((await w.cli('leads', 'list', '--stage', 'customer')).stdout).toBe('No leads match.');
  });

  it('rejects a bad filter with a message that says what is allowed', async () => {
    const w = await ws();
    const bad = async (...args: string[]) => {
      const r = await w.cli('leads', 'list', ...args);
      return [r.status, r.stderr];
    };
    expect(await bad('--stage', 'hot')).toEqual([
      1,
      'nurture: --stage: "hot" is not one of unqualified, awareness, interest, desire, action, sales-ready, customer',
    ]);
    expect(await bad('--sequence', 'nope')).toEqual([1, 'nurture: --sequence: no sequence "nope" (known: evaluators, new-signups, recycle)']);
    expect(await bad('--where', 'title=VP')).toEqual([
      1,
      'nurture: --where: unknown field "title" (known: email, firstName, lastName, company, jobTitle, industry, country, timezone, consent, stage, attributes.<column>)',
    ]);
    expect(await bad('--where', 'country')).toEqual([
      1,
      'nurture: --where: "country" is not field=value (e.g. --where country=DE, --where attributes.plan=pro)',
    ]);
    expect((await w.cli('leads', 'list', '--format', 'xml')).status).toBe(2);
    expect(await (async () => {
      const r = await w.cli('leads', 'show', 'nobody@example.com');
      return [r.status, r.stderr];
    })()).toEqual([1, 'nurture: no lead with address nobody@example.com']);
  });

  it('leads show prints the profile, where the zone comes from, the enrolment and why no mail', async () => {
    const w = await ws();
    const dan = await w.cli('leads', 'show', 'DAN@quietco.example');
    expect(dan.stdout.split('\n')).toEqual([
      'dan@quietco.example — Dan Ruiz, Analyst at Quietco',
      '  industry    Retail',
      '  country     US (public holidays: US)',
      '  zone        America/New_York (the workspace default: the lead has no timezone)',
      '  consent     unsubscribed',
      '  score       0 (fit 0 + engagement 0) → awareness',
      '  attributes  plan=free',
      '  suppressed  unsubscribed 2026-11-10T04:00:00-05:00',
      '',
      'Enrolments:',
      '  none',
      '',
      'No mail: suppressed: unsubscribed 2026-11-10T04:00:00-05:00',
    ]);
    const ana = JSON.parse((await w.cli('leads', 'show', 'ana@brightstack.example', '--json')).stdout) as Record<string, unknown>;
    expect(ana).toMatchObject({
      lead: 'ana@brightstack.example',
      attributes: { plan: 'pro' },
      zone: 'America/New_York',
      zoneFrom: 'lead',
      consent: 'confirmed',
      stage: 'interest',
      paused: null,
      noMail: null,
      enrollments: [{ sequence: 'new-signups', status: 'active', enrolledAt: '2026-11-23T10:00:00-05:00', endedAt: null, reason: 'stage interest, priority 10' }],
    });
  });
});
