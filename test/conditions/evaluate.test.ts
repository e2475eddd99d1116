import { describe, expect, it } from 'vitest';
import { holds, whyFails, whyHolds } from '../../src/domain/conditions/evaluate.js';
import { compile, DAY, input, T0 } from './support.js';

const pricing = (daysAgo: number) => ({ type: 'page_viewed' as const, at: T0 - daysAgo * DAY, url: 'https://tidewater.example/pricing' });
const webinar = (daysAgo: number, name: string) => ({
  type: 'webinar_attended' as const,
  at: T0 - daysAgo * DAY,
  url: '',
  properties: { webinar: name },
});

describe('where: conditions on lead fields, in the form of fit rules', () => {
  it('matches pattern and in case-insensitively, and an empty field never matches them', () => {
    const c = compile({ where: [{ field: 'jobTitle', pattern: 'marketing' }, { field: 'country', in: ['de', 'FR'] }] });
    expect(holds(c, input())).toBe(true);
    expect(holds(c, input({ profile: { country: 'US' } }))).toBe(false);
    expect(holds(c, input({ profile: { jobTitle: '' } }))).toBe(false);
    expect(c.label).toBe('jobTitle matches /marketing/; country in [de, FR]');
  });

  it('tests attributes: exists, numbers (gte/lte) and dates (before/after)', () => {
    const seats = compile({ where: [{ field: 'attributes.seats', gte: 10, lte: 500 }] });
    expect(holds(seats, input({ profile: { attributes: { seats: '25' } } }))).toBe(true);
    expect(holds(seats, input({ profile: { attributes: { seats: '5' } } }))).toBe(false);
    expect(holds(seats, input({ profile: { attributes: { seats: 'many' } } }))).toBe(false);
    const trial = compile({ where: [{ field: 'attributes.trial_ends', after: '2026-11-01', before: '2026-12-01' }] });
    expect(holds(trial, input({ profile: { attributes: { trial_ends: '2026-11-20' } } }))).toBe(true);
    expect(holds(trial, input({ profile: { attributes: { trial_ends: '2026-12-20' } } }))).toBe(false);
    const noPlan = compile({ where: [{ field: 'attributes.plan', exists: false }] });
    expect(holds(noPlan, input())).toBe(true);
    expect(holds(noPlan, input({ profile: { attributes: { plan: 'trial' } } }))).toBe(false);
  });

  it('joins tests with all, any and not', () => {
    const c = compile({
      where: [{ any: [{ field: 'country', in: ['GB'] }, { all: [{ field: 'country', in: ['DE'] }, { not: { field: 'industry', in: ['Education'] } }] }] }],
    });
    expect(holds(c, input())).toBe(true);
    expect(holds(c, input({ profile: { industry: 'Education' } }))).toBe(false);
    expect(holds(c, input({ profile: { country: 'GB', industry: 'Education' } }))).toBe(true);
    expect(whyHolds(c, input())).toBe('country in [DE]; not (industry in [Education])');
  });
});

describe('did / didNot: events with the engagement-rule filters in a time range', () => {
  it('counts events within the window only, and never one dated after now', () => {
    const c = compile({ did: [{ event: 'page_viewed', urlContains: '/pricing', within: 'P14D' }] });
    expect(holds(c, input({ events: [pricing(3)] }))).toBe(true);
    expect(holds(c, input({ events: [pricing(20)] }))).toBe(false);
    expect(holds(c, input({ events: [pricing(-1)] }))).toBe(false);
    expect(c.label).toBe('did page_viewed url contains /pricing within P14D');
  });

  it('filters on properties, and didNot is the negation', () => {
    const attended = compile({ did: [{ event: 'webinar_attended', properties: { webinar: 'clean-pipeline' }, within: 'P14D' }] });
    expect(holds(attended, input({ events: [webinar(2, 'clean-pipeline')] }))).toBe(true);
    expect(holds(attended, input({ events: [webinar(2, 'other-talk')] }))).toBe(false);
    const never = compile({ didNot: [{ event: 'page_viewed', urlContains: '/pricing' }] });
    expect(holds(never, input({ events: [pricing(200)] }))).toBe(false);
    expect(holds(never, input())).toBe(true);
    expect(never.label).toBe('did not page_viewed url contains /pricing');
  });

  it('reads since: enrolled, since: previous and since: DATE', () => {
    const sinceEnrolled = compile({ did: [{ event: 'page_viewed', urlContains: '/pricing', since: 'enrolled' }] });
    expect(holds(sinceEnrolled, input({ events: [pricing(2)], enrolledAt: T0 - 5 * DAY }))).toBe(true);
    expect(holds(sinceEnrolled, input({ events: [pricing(6)], enrolledAt: T0 - 5 * DAY }))).toBe(false);
    const sincePrevious = compile({ did: [{ event: 'email_clicked', since: 'previous' }] });
    const click = { type: 'email_clicked' as const, at: T0 - DAY, url: 'https://x.example' };
    expect(holds(sincePrevious, input({ events: [click], enrolledAt: T0 - 9 * DAY, previousAt: T0 - 2 * DAY }))).toBe(true);
    expect(holds(sincePrevious, input({ events: [click], enrolledAt: T0 - 9 * DAY, previousAt: T0 - DAY / 2 }))).toBe(false);
    const sinceDate = compile({ did: [{ event: 'page_viewed', since: '2026-11-20' }] });
    expect(holds(sinceDate, input({ events: [pricing(1)] }))).toBe(true);
    expect(holds(sinceDate, input({ events: [pricing(5)] }))).toBe(false);
  });
});

describe('score, stages and named segments', () => {
  it('compares score, fit and engagement', () => {
    const c = compile({ score: { gte: 25 }, fit: { lte: 20 }, engagement: { gte: 5, lte: 50 } });
    expect(holds(c, input())).toBe(true);
    expect(holds(c, input({ score: { score: 30, fit: 25, engagement: 5 } }))).toBe(false);
    expect(whyFails(c, input({ score: { score: 30, fit: 25, engagement: 5 } }))).toBe('fit <= 20');
  });

  it('names the segment that matched, and shares one compiled segment between references', () => {
    const segments = { 'emea-saas': { where: [{ field: 'country', in: ['DE', 'FR', 'GB'] }, { field: 'industry', in: ['SaaS'] }] } };
    const c = compile({ stages: ['interest', 'desire'], segment: 'emea-saas' }, segments);
    expect(holds(c, input())).toBe(true);
    expect(whyHolds(c, input())).toBe('stage in [interest, desire]; segment emea-saas');
    expect(holds(c, input({ stage: 'awareness' }))).toBe(false);
    expect(holds(c, input({ profile: { industry: 'Retail' } }))).toBe(false);
    expect(whyFails(c, input({ profile: { industry: 'Retail' } }))).toBe('segment emea-saas');
  });
});
