import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TouchItem } from '../../src/run/items.js';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * The "done when", on the example workspace plus three additions: a webinar follow-up
 * entered on `webinar_attended` (interrupting the sign-up sequence), a persona sequence for the
 * emea-saas segment with its own templates, and a pricing step skipped for leads who visited
 * /pricing since enrolling. Forecast on day 0, then hourly runs for fourteen days over SMTP.
 */
const DAY0 = Date.parse('2026-11-23T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAYS = 14;
const iso = (t: number) => new Date(t).toISOString();

const SEGMENTS = `
segments:
  emea-saas: { where: [{ field: country, in: [DE, FR, GB] }, { field: industry, in: [SaaS] }] }
  canada: { where: [{ field: country, in: [CA] }] }
`;

const WEBINAR = `id: webinar-follow-up
name: Webinar follow-up
audience: { stages: [awareness, interest, desire] }
enterOn: { event: webinar_attended, properties: { webinar: clean-pipeline } }
interrupt: true
priority: 30
steps:
  - { id: thanks,  force: pull,    template: webinar-thanks,  wait: P0D,
      content: [{ when: { segment: canada }, template: webinar-thanks-canada }] }
  - { id: pricing, force: push,    template: webinar-pricing, wait: P2D,
      unless: { did: [{ event: page_viewed, urlContains: /pricing, since: enrolled }] } }
  - { id: habit,   force: habit,   template: habit-csv-exports, wait: P2D }
  - { id: proof,   force: anxiety, template: anxiety-start-read-only, wait: P3D }
`;

const PERSONA = `id: emea-saas
name: EMEA SaaS revenue teams
audience: { stages: [awareness, interest], segment: emea-saas }
priority: 15
steps:
  - { id: gdpr-pain, force: push,    template: emea-gdpr-pain, wait: P0D }
  - { id: future,    force: pull,    template: pull-synced-data, wait: P3D }
  - { id: exports,   force: habit,   template: habit-csv-exports, wait: P3D }
  - { id: safety,    force: anxiety, template: anxiety-start-read-only, wait: P4D }
`;

const template = (subject: string, text: string) => `---
subject: "${subject}"
preheader: "${text}"
---
<p>{{> greeting}}</p>
<p>${text}</p>
<p>{{> signature}}</p>
`;

const LEADS = [
  'email,first_name,company,job_title,industry,country,timezone,consent,consent_at',
  // emea-saas: the persona sequence, not the sign-up one
  'greta@nordwerk.example,Greta,Nordwerk,Head of Marketing,SaaS,DE,Europe/Berlin,confirmed,2026-11-01T09:00:00Z',
  // attended the webinar before day 0: enrolled on the trigger
  'ben@harbor.example,Ben,Harbor,Head of Sales,SaaS,US,America/New_York,confirmed,2026-11-01T09:00:00Z',
  // attended, then visited /pricing on day 1: the pricing step is skipped
  'dana@quarry.example,Dana,Quarry,VP Marketing,Software,US,America/Chicago,confirmed,2026-11-01T09:00:00Z',
  // never attended: the sign-up sequence only, never "thanks for joining"
  'eve@summit.example,Eve,Summit,Marketing Manager,Software,US,America/New_York,confirmed,2026-11-01T09:00:00Z',
  // in the sign-up sequence, attends on day 3: the webinar follow-up interrupts it
  'finn@cedar.example,Finn,Cedar,Growth Manager,Software,CA,America/Toronto,confirmed,2026-11-01T09:00:00Z',
  // attended another webinar: the filter on properties keeps it out
  'gus@pine.example,Gus,Pine,Head of RevOps,Software,US,America/Denver,confirmed,2026-11-01T09:00:00Z',
].join('\n');

const EVENTS = [
  'email,type,occurred_at,url,webinar',
  `ben@harbor.example,webinar_attended,${iso(DAY0 - 2 * DAY + 15 * HOUR)},,clean-pipeline`,
  `dana@quarry.example,webinar_attended,${iso(DAY0 - DAY + 16 * HOUR)},,clean-pipeline`,
  `dana@quarry.example,page_viewed,${iso(DAY0 + DAY + 20 * HOUR)},https://tidewater.example/pricing,`,
  `finn@cedar.example,webinar_attended,${iso(DAY0 + 3 * DAY + 17 * HOUR)},,clean-pipeline`,
  `gus@pine.example,webinar_attended,${iso(DAY0 - DAY + 17 * HOUR)},,other-talk`,
].join('\n');

const key = (i: TouchItem) => `${i.lead}|${i.sequence}|${i.step}|${Date.parse(i.at)}`;
const recipient = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address?.toLowerCase() ?? '';

describe('segments and steps that react, over a fortnight of hourly runs', () => {
  const ws = tempWorkspace();
  const clock = new TestClock(DAY0);
  const cli = () => cliIn(ws.dir, clock, { NURTURE_SMTP_URL: sink.url });
  let sink: SmtpSink;
  let forecast: TouchItem[] = [];
  let danaAhead: { upcomingSkips: TouchItem[] } = { upcomingSkips: [] };
  const sent: TouchItem[] = [];
  const skipped: TouchItem[] = [];
  const stepsOf = (lead: string) => sent.filter((s) => s.lead === lead).map((s) => `${s.sequence}/${s.step}`);

  beforeAll(async () => {
    sink = await startSmtpSink();
    const file = (name: string, text: string) => writeFileSync(join(ws.dir, name), text);
    file('nurture.yaml', (await import('node:fs')).readFileSync(join(ws.dir, 'nurture.yaml'), 'utf8') + SEGMENTS);
    file('sequences/webinar-follow-up.yaml', WEBINAR);
    file('sequences/emea-saas.yaml', PERSONA);
    file('templates/webinar-thanks.hbs', template('Thanks for joining Clean pipeline', 'The recording and slides are below.'));
    file(
      'templates/webinar-thanks-canada.hbs',
      template('Thanks for joining Clean pipeline, from Toronto', 'The recording, with CASL notes.').replace(
        '<p>{{> greeting}}</p>',
        '<p>Hi {{default lead.firstName "there"}},</p>',
      ),
    );
    file('templates/webinar-pricing.hbs', template('What Tidewater costs for a team like yours', 'Pricing, worked out.'));
    file('templates/emea-gdpr-pain.hbs', template('Lead data across EU borders', 'Your CRM and your marketing platform disagree, and GDPR asks which one is right.'));
    file('leads.csv', LEADS);
    file('events.csv', EVENTS);
    const run = cli();
    expect((await run('lint')).status).toBe(0);
    expect((await run('leads', 'import', 'leads.csv')).status).toBe(0);
    // Events dated ahead (the simulation's future) are stored now, imported as of the end of the
    // fortnight: the forecast and the runs meet them at their moment.
    clock.set(DAY0 + DAYS * DAY);
    const events = await run('events', 'import', 'events.csv');
    expect(events.status, events.stderr).toBe(0);
    clock.set(DAY0);
    const calendar = await run('calendar', '--from', iso(DAY0), '--days', String(DAYS), '--json');
    expect(calendar.status, calendar.stderr).toBe(0);
    forecast = (JSON.parse(calendar.stdout) as { items: TouchItem[] }).items;
    danaAhead = JSON.parse((await run('explain', 'dana@quarry.example', '--json')).stdout) as typeof danaAhead;
    for (let h = 0; h < DAYS * 24; h++) {
      clock.set(DAY0 + h * HOUR);
      const result = await run('run', '--json');
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as RunReport;
      sent.push(...report.sent.filter((s) => s.sequence !== 'double-opt-in'));
      skipped.push(...report.skipped);
    }
    await sink.settled();
  }, 600_000);

  afterAll(async () => {
    await sink.close();
    ws.cleanup();
  });

  it('enrolled the emea-saas lead in the persona sequence, with its own template', () => {
    expect(stepsOf('greta@nordwerk.example')[0]).toBe('emea-saas/gdpr-pain');
    const first = sink.messages.find((m) => recipient(m) === 'greta@nordwerk.example')!;
    expect(first.subject).toBe('Lead data across EU borders');
    expect(first.headers.get('x-nurture-sequence')).toBe('emea-saas');
  });

  it('thanked only those who attended the clean-pipeline webinar', () => {
    const thanked = sink.messages.filter((m) => m.subject?.startsWith('Thanks for joining Clean pipeline')).map(recipient).sort();
    expect(thanked).toEqual(['ben@harbor.example', 'dana@quarry.example', 'finn@cedar.example']);
    expect(stepsOf('eve@summit.example').every((s) => s.startsWith('new-signups/'))).toBe(true);
    expect(stepsOf('gus@pine.example').length).toBeGreaterThan(0);
    expect(stepsOf('gus@pine.example').some((s) => s.startsWith('webinar-follow-up/'))).toBe(false);
    expect(stepsOf('ben@harbor.example').slice(0, 2)).toEqual(['webinar-follow-up/thanks', 'webinar-follow-up/pricing']);
  });

  it('chose the Canadian thank-you by segment, and said so in the run and in the forecast', () => {
    const finn = sink.messages.find((m) => recipient(m) === 'finn@cedar.example' && m.headers.get('x-nurture-step') === 'thanks')!;
    expect(finn.subject).toBe('Thanks for joining Clean pipeline, from Toronto');
    expect(finn.text).toContain('Hi Finn,');
    const ben = sink.messages.find((m) => recipient(m) === 'ben@harbor.example' && m.headers.get('x-nurture-step') === 'thanks')!;
    expect(ben.subject).toBe('Thanks for joining Clean pipeline');
    const item = sent.find((s) => s.lead === 'finn@cedar.example' && s.step === 'thanks')!;
    expect(item.reason).toContain('content: segment canada: webinar-thanks-canada');
    expect(forecast.find((s) => s.lead === 'finn@cedar.example' && s.step === 'thanks')!.reason).toContain('content: segment canada: webinar-thanks-canada');
    expect(sent.find((s) => s.lead === 'ben@harbor.example' && s.step === 'thanks')!.reason).toContain('content: default: webinar-thanks');
  });

  it('skipped the pricing step for the lead who visited /pricing since enrolling, with the reason', async () => {
    expect(stepsOf('dana@quarry.example')).not.toContain('webinar-follow-up/pricing');
    expect(stepsOf('dana@quarry.example')).toContain('webinar-follow-up/habit');
    const skip = skipped.find((s) => s.lead === 'dana@quarry.example' && s.step === 'pricing')!;
    expect(skip.reason).toBe('unless did page_viewed url contains /pricing since enrolment');
    // explain on day 0 already showed it, at the same run.
    expect(danaAhead.upcomingSkips).toEqual([expect.objectContaining({ step: 'pricing', at: skip.at, reason: skip.reason })]);
    const explain = await cli()('explain', 'dana@quarry.example', '--json');
    const body = JSON.parse(explain.stdout) as { enrollments: { sequence: string; enrolledBecause: string }[]; sends: { step: string; status: string; reason: string }[] };
    expect(body.enrollments[0]!.enrolledBecause).toMatch(/^stage \w+, priority 30; enterOn webinar_attended with webinar=clean-pipeline within P7D \(webinar_attended at /);
    expect(body.sends.find((s) => s.step === 'pricing')).toMatchObject({ status: 'skipped', reason: skip.reason });
  });

  it('left the sign-up sequence when the webinar trigger came, at a clean boundary', async () => {
    const finn = stepsOf('finn@cedar.example');
    expect(finn[0]).toBe('new-signups/pain');
    expect(finn).toContain('webinar-follow-up/thanks');
    const explain = await cli()('explain', 'finn@cedar.example', '--json');
    const body = JSON.parse(explain.stdout) as { enrollments: { sequence: string; status: string; reason: string }[] };
    expect(body.enrollments[0]).toMatchObject({ sequence: 'new-signups', status: 'exited' });
    expect(body.enrollments[0]!.reason).toMatch(/^interrupted by webinar-follow-up: webinar_attended with webinar=clean-pipeline/);
  });

  it('lint counts each audience on the current leads and what a higher priority takes', async () => {
    const lint = await cli()('lint', '--json');
    expect(lint.status).toBe(0);
    const body = JSON.parse(lint.stdout) as { audiences: { sequence: string; matches: number; takenByHigher: number }[]; warnings: { file: string; message: string }[] };
    // Only Finn's trigger is still inside its 7 days at the end of the fortnight.
    expect(body.audiences.find((a) => a.sequence === 'webinar-follow-up')).toEqual({ sequence: 'webinar-follow-up', matches: 0, takenByHigher: 0 });
    expect(body.audiences.find((a) => a.sequence === 'emea-saas')!.matches).toBeGreaterThan(0);
    expect(body.warnings).toContainEqual({ file: 'sequences/webinar-follow-up.yaml', message: 'audience matches none of the current leads' });
  });

  it('sent exactly what the calendar forecast on day 0', () => {
    expect(sent.length).toBeGreaterThan(15);
    expect(sent.map(key).sort()).toEqual(forecast.map(key).sort());
  });
});
