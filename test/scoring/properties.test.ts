import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ScoredEvent, scoreLead } from '../../src/domain/scoring.js';
import { EVENT_TYPES } from '../../src/domain/types.js';
import { DAY, lead, NOW, seedModel } from './model.js';

const model = seedModel();

const leadArb = fc
  .record({
    jobTitle: fc.constantFrom('VP Marketing', 'Marketing Associate', 'CEO', 'Intern', 'Marketing Manager', '', 'Plumber'),
    industry: fc.constantFrom('SaaS', 'Education', 'Retail', ''),
    domain: fc.constantFrom('gmail.com', 'hotmail.com', 'brightstack.example', 'acme.example'),
    size: fc.constantFrom('1-10', '51-200', '1000+'),
  })
  .map((r) => lead({ email: `x@${r.domain}`, jobTitle: r.jobTitle, industry: r.industry, attributes: { company_size: r.size } }));

const URLS = ['', 'https://t.example/pricing', 'https://t.example/careers', 'https://t.example/jobs/1', 'https://t.example/blog'];
const eventArb = fc.record({
  type: fc.constantFrom(...EVENT_TYPES.filter((t) => t !== 'became_customer')),
  at: fc.integer({ min: NOW - 400 * DAY, max: NOW }),
  url: fc.constantFrom(...URLS),
});
const eventsArb = fc.array(eventArb, { maxLength: 40 }).map((es) => es.sort((a, b) => a.at - b.at) as ScoredEvent[]);
const sendsArb = fc.array(fc.integer({ min: NOW - 200 * DAY, max: NOW }), { maxLength: 15 }).map((ts) =>
  ts.sort((a, b) => a - b).map((at) => ({ status: 'sent', at })),
);
/** Events that only negative rules match: careers and jobs visits, unsubscribes, closed-lost. */
const negativeArb = fc.record({
  type: fc.constantFrom('page_viewed', 'unsubscribed', 'closed_lost'),
  at: fc.integer({ min: NOW - 400 * DAY, max: NOW }),
  url: fc.constantFrom('https://t.example/careers', 'https://t.example/jobs/9'),
}) as fc.Arbitrary<ScoredEvent>;

const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

describe('scoring properties (fast-check)', () => {
  it('is deterministic: the same lead, events, sends and moment give the same score', () => {
    fc.assert(
      fc.property(leadArb, eventsArb, sendsArb, (l, events, sends) => {
        expect(scoreLead(model, l, events, NOW, sends)).toEqual(scoreLead(model, l, [...events], NOW, [...sends]));
      }),
    );
  });

  it('decay never increases any rule’s engagement points as time passes', () => {
    fc.assert(
      fc.property(leadArb, eventsArb, sendsArb, fc.integer({ min: 1, max: 365 * DAY }), (l, events, sends, later) => {
        const before = scoreLead(model, l, events, NOW, sends);
        const after = scoreLead(model, l, events, NOW + later, sends);
        for (const c of after.contributions.filter((x) => x.kind === 'engagement')) {
          const earlier = before.contributions.find((x) => x.rule === c.rule);
          expect(Math.abs(c.points)).toBeLessThanOrEqual(Math.abs(earlier?.points ?? 0));
        }
        expect(after.fit).toBe(before.fit);
      }),
    );
  });

  it('adding a negative event never raises the score', () => {
    fc.assert(
      fc.property(leadArb, eventsArb, sendsArb, negativeArb, (l, events, sends, negative) => {
        const withIt = [...events, negative].sort((a, b) => a.at - b.at);
        expect(scoreLead(model, l, withIt, NOW, sends).score).toBeLessThanOrEqual(
          scoreLead(model, l, events, NOW, sends).score,
        );
      }),
    );
  });

  it('the explanation adds up: contributions sum to fit and engagement, and they to the score', () => {
    fc.assert(
      fc.property(leadArb, eventsArb, sendsArb, (l, events, sends) => {
        const s = scoreLead(model, l, events, NOW, sends);
        const of = (kind: string) => sum(s.contributions.filter((c) => c.kind === kind).map((c) => c.points));
        expect(of('fit')).toBeCloseTo(s.fit, 9);
        expect(of('engagement')).toBeCloseTo(s.engagement, 9);
        expect(s.fit + s.engagement).toBeCloseTo(s.score, 9);
      }),
    );
  });
});
