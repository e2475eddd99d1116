import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeadProfile } from '../../src/domain/types.js';
import { Renderer, type RenderInput } from '../../src/mail/render.js';
import { htmlToText } from '../../src/mail/text-part.js';
import { loadTemplates, type EmailTemplate, type TemplateSet } from '../../src/workspace/templates.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const sender = { name: 'Ines', email: 'ines@tidewater.example', company: 'Tidewater', postalAddress: '1 Harbour Way, Portland' };

const lead = (over: Partial<LeadProfile> = {}): LeadProfile => ({
  id: 7,
  email: 'dana@acme.example.org',
  firstName: 'Dana',
  lastName: 'Reyes',
  company: 'Acme Analytics',
  jobTitle: 'VP Marketing',
  industry: 'SaaS',
  country: 'US',
  timezone: 'America/New_York',
  consent: 'confirmed',
  attributes: {},
  ...over,
});

const input = (template: string, l: LeadProfile): RenderInput => ({
  lead: l,
  sender,
  sequence: { id: 'new-signups', name: 'New signups' },
  step: { id: 'one', force: 'push', template },
  links: { unsubscribe: `https://nurture.example/u/unsub-${l.id}`, confirm: `https://nurture.example/k/confirm-${l.id}` },
  track: (url) => `https://nurture.example/c/${l.id}-${encodeURIComponent(url)}`,
});

function templatesWith(emails: Record<string, string>): TemplateSet {
  const set: TemplateSet = { emails: new Map(), layouts: new Map([['plain', '<html><body>{{{body}}}<p>{{sender.postalAddress}}</p></body></html>']]), partials: new Map() };
  for (const [name, body] of Object.entries(emails)) {
    const email: EmailTemplate = { name, file: `${name}.hbs`, subject: 'Hello {{lead.firstName}}', preheader: '', layout: 'plain', body, bodyLine: 1 };
    set.emails.set(name, email);
  }
  return set;
}

/** Values a lead's fields can hold: empty, markup, entities, non-ASCII, runs of whitespace. */
const fieldValue = fc.oneof(
  fc.constantFrom('', 'Dana', 'José Müller', 'AT&T <b>bold</b>', "O'Neil & \"Sons\"", 'Ann   Lee', '李雷', 'x'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u200b', '\u3000', 'a', '<', '&'), maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

describe('the plain-text part', () => {
  const { templates } = loadTemplates(REPO_ROOT);

  it('is what html-to-text makes of the message, for every example template and any lead (property)', () => {
    const renderer = new Renderer(templates);
    const names = [...templates.emails.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.integer({ min: 1, max: 1e6 }), fieldValue, fieldValue, fieldValue, (template, id, firstName, company, jobTitle) => {
        const out = renderer.render(input(template, lead({ id, firstName, company, jobTitle })));
        expect(out.text).toBe(htmlToText(out.html));
      }),
      { numRuns: 1500 },
    );
  });

  it('is made from the skeleton for all but the first message of each template and shape, and one in 64 after', () => {
    const renderer = new Renderer(templates);
    const names = [...templates.emails.keys()];
    const people = ['Dana', 'José', 'Priya', 'Ngozi', 'Li', 'Ann Marie'];
    for (let i = 0; i < 2000; i++) {
      const out = renderer.render(input(names[i % names.length]!, lead({ id: i + 1, firstName: people[i % people.length]!, company: `Company ${i}` })));
      if (i % 97 === 0) expect(out.text).toBe(htmlToText(out.html));
    }
    const { fromSkeleton, converted } = renderer.textParts;
    expect(converted).toBeLessThanOrEqual(names.length + Math.ceil(2000 / 64));
    expect(fromSkeleton + converted).toBe(2000);
  });

  it('upper-cases a value where html-to-text upper-cases the heading it is in', () => {
    const renderer = new Renderer(templatesWith({ heading: '<h1>News for {{lead.company}}</h1><p>Hi {{lead.firstName}}, <a href="{{track "https://x.example/a"}}">read</a> or <a href="{{links.unsubscribe}}">unsubscribe</a></p>' }));
    for (const company of ['Acme', 'Zürich AG', 'Globex']) {
      const out = renderer.render(input('heading', lead({ company })));
      expect(out.text).toContain(`NEWS FOR ${company.toUpperCase()}`);
      expect(out.text).toBe(htmlToText(out.html));
    }
  });

  it('stays what html-to-text makes of each message, message after message, for templates that take values in links, raw HTML and lookups (property)', () => {
    // Each case is a template whose text can depend on a value's content, not only on whether it
    // is empty; the renderer is shared across the leads, so what it learnt from one lead is
    // what the next lead's text is made from.
    const tricky = {
      sameLink: '<p><a href="https://x.example/{{lead.firstName}}">https://x.example/{{lead.company}}</a></p>',
      valueLink: '<p>Write to <a href="{{lead.attributes.contact}}">{{lead.firstName}}</a> or <a href="{{lead.attributes.contact}}">{{lead.attributes.contact}}</a></p>',
      rawHtml: '<p>Note: {{{lead.attributes.note}}}</p>',
      lookup: '<p>Offer: {{lookup lead.attributes lead.industry}}</p>',
      pre: '<pre>{{lead.company}}   {{lead.firstName}}</pre>',
      heading: '<h2>{{lead.company}}</h2><p>{{#if lead.jobTitle}}As {{lead.jobTitle}}, {{/if}}read <a href="{{track "https://x.example/a"}}">this</a>.</p>',
    };
    const value = fc.constantFrom('a', 'b', 'Dana', 'mailto:dana@acme.example', '#top', 'https://x.example/a', 'AT&amp;T<br>call <b>now</b>', 'SaaS', '20% off', '');
    const leadArb = fc.record({ firstName: value, company: value, jobTitle: value, industry: value, contact: value, note: value, offer: value });
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(tricky)), fc.array(leadArb, { minLength: 1, maxLength: 150 }), (template, leads) => {
        const renderer = new Renderer(templatesWith(tricky));
        leads.forEach((l, i) => {
          const attributes = { contact: l.contact, note: l.note, SaaS: l.offer, [l.industry || 'none']: l.offer };
          const out = renderer.render(input(template, lead({ id: i + 1, firstName: l.firstName, company: l.company, jobTitle: l.jobTitle, industry: l.industry, attributes })));
          expect(out.text).toBe(htmlToText(out.html));
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the default helper', () => {
  it('gives the fallback for an empty value, in the HTML and in the text part', () => {
    const renderer = new Renderer(templatesWith({ hi: '<p>Hi {{default lead.firstName "there"}},</p>' }));
    const named = renderer.render(input('hi', lead()));
    const unnamed = renderer.render(input('hi', lead({ firstName: '  ' })));
    expect(named.html).toContain('<p>Hi Dana,</p>');
    expect(unnamed.html).toContain('<p>Hi there,</p>');
    expect(unnamed.text).toContain('Hi there,');
    expect(named.text).toContain('Hi Dana,');
  });
});
