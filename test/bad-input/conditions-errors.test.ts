import { afterAll, describe, expect, it } from 'vitest';
import { badInputWorkspace } from './support.js';

const SEGMENTS = `
segments:
  emea-saas: { where: [{ field: contry, in: [DE, FR, GB] }, { field: industry, in: [SaaS] }] }
  loop-a: { segment: loop-b }
  loop-b: { segment: loop-a }
  recent: { did: [{ event: webinar_attended, since: enrolled }] }
`;

const WEBINAR = `id: webinar
name: Webinar follow-up
audience: { stages: [interest, desire], segment: emea-sas, event: webinar_attended }
enterOn: { event: webinar_attend, within: P7D }
priority: 30
steps:
  - { id: thanks,  force: pull, template: push-messy-data, wait: P0D }
  - { id: pricing, force: push, template: pull-synced-data, wait: P2D,
      unless: { did: [{ event: page_viewed, urlContains: /pricing, since: enroled }] }, else: thank }
  - { id: proof,   force: anxiety, template: anxiety-start-read-only, wait: P2D, goto: pricing,
      when: { where: [{ field: attributes.plan, inn: [trial] }] } }
`;

const PERSONA = `id: persona
name: Persona
audience: { did: [{ event: page_viewed, since: enrolled }] }
interrupt: true
priority: 5
steps:
  - { id: one, force: push, template: push-messy-data, wait: P0D, else: two }
  - { id: two, force: pull, template: pull-synced-data, wait: P2D }
`;

const FIXED_WEBINAR = WEBINAR.replace(', event: webinar_attended', '')
  .replace('webinar_attend,', 'webinar_attended,')
  .replace('enroled', 'enrolled')
  .replace('inn:', 'in:');
const FIXED_PERSONA = PERSONA.replace('since: enrolled', 'within: P30D').replace('interrupt: true', 'interrupt: false');

describe('conditions that are wrong: file, line, field and what was meant', () => {
  const ws = badInputWorkspace();

  afterAll(() => ws.cleanup());

  it('lint names every misspelt key, field, event and since with its line and a "did you mean", and exits 1', async () => {
    ws.write('nurture.yaml', ws.read('nurture.yaml') + SEGMENTS);
    ws.write('sequences/webinar.yaml', WEBINAR);
    ws.write('sequences/persona.yaml', PERSONA);
    const result = await ws.cli('lint');
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'nurture: invalid workspace:',
      'nurture.yaml:67: segments.emea-saas.where[0].field: unknown field "contry" (did you mean "country"?) (allowed: email, firstName, lastName, company, jobTitle, industry, country, attributes.<column>)',
      'sequences/webinar.yaml:3: audience.event: unknown key "event" (allowed: stages, segment, where, did, didNot, score, fit, engagement, all, any, not)',
      'sequences/webinar.yaml:4: enterOn.event: unknown event "webinar_attend" (did you mean "webinar_attended"?) (known: email_opened, email_clicked, page_viewed, form_submitted, webinar_attended, content_downloaded, meeting_booked, replied, unsubscribed, bounced, soft_bounced, complained, closed_lost, became_customer)',
      'sequences/webinar.yaml:9: steps[1].unless.did[0].since: "enroled" is not enrolled, previous or a date (expected e.g. since: enrolled, since: 2026-11-01)',
      'sequences/webinar.yaml:11: steps[2].when.where[0].inn: unknown key "inn" (did you mean "in"?) (allowed: field, pattern, in, exists, gte, lte, before, after, all, any, not)',
      "sequences/persona.yaml:3: audience.did[0].since: since: enrolled needs an enrolment: use it in a step's when/unless or exitWhen, not in an audience",
      'sequences/persona.yaml:4: interrupt: needs enterOn (the event that interrupts a lower-priority sequence)',
      'sequences/persona.yaml:7: steps[0].else: else needs a when or unless on the same step',
    ]);
  });

  it('then names unknown segments, circles of segments and jumps that do not go forward', async () => {
    ws.edit('nurture.yaml', 'field: contry', 'field: country');
    ws.write('sequences/webinar.yaml', FIXED_WEBINAR);
    ws.write('sequences/persona.yaml', FIXED_PERSONA);
    const result = await ws.cli('lint');
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'nurture: invalid workspace:',
      'nurture.yaml:68: segments.loop-a: segments refer to each other in a circle: loop-a → loop-b → loop-a',
      'nurture.yaml:69: segments.loop-b: segments refer to each other in a circle: loop-b → loop-a → loop-b',
      "nurture.yaml:70: segments.recent.did[0].since: since: enrolled needs an enrolment: use it in a step's when/unless or exitWhen, not in a segment",
      'sequences/persona.yaml:7: steps[0].else: else needs a when or unless on the same step',
      'sequences/webinar.yaml:3: audience.segment: segment "emea-sas" is not defined in nurture.yaml segments (did you mean "emea-saas"?) (known: emea-saas, loop-a, loop-b, recent)',
      'sequences/webinar.yaml:9: steps[1].else: step "thank" not found (did you mean "thanks"?) (steps: thanks, pricing, proof)',
      'sequences/webinar.yaml:10: steps[2].goto: step "pricing" is not after "proof": goto only jumps forward (each step is sent at most once)',
    ]);
    expect(result.stdout).toBe('');
  });
});
