import { describe, expect, it } from 'vitest';
import { type LeadScore, scoreLead } from '../../src/domain/scoring.js';
import { DAY, ev, lead, NOW, seedModel } from './model.js';

const model = seedModel();
const score = (...args: Parameters<typeof lead>) => (events: Parameters<typeof scoreLead>[2] = [], sends: { status: string; at: number }[] = []) =>
  scoreLead(model, lead(...args), events, NOW, sends);
const rules = (s: LeadScore) => s.contributions.map((c) => `${c.rule} ${c.points}`);

const vpAtSaas = score({ jobTitle: 'VP Marketing', industry: 'SaaS', attributes: { company_size: '201-1000' } });
const associateOnGmail = score({ email: 'sam.lee@gmail.com', jobTitle: 'Marketing Associate', industry: 'Retail' });

describe('the seed rules of the example workspace', () => {
  it('a VP at a SaaS company who visited pricing outranks an associate on gmail.com who visited careers', () => {
    const vp = vpAtSaas([ev('page_viewed', 2, 'https://tidewater.example/pricing')]);
    const associate = associateOnGmail([ev('page_viewed', 2, 'https://tidewater.example/careers')]);
    expect(rules(vp)).toEqual(['senior-title 20', 'target-function 5', 'hot-industry 10', 'mid-market 5', 'pricing-visit 11.46']);
    expect(rules(associate)).toEqual(['target-function 5', 'junior-title -15', 'personal-email -20', 'careers-visit -14.32']);
    expect(vp.score).toBeGreaterThan(associate.score);
    expect(associate.stage).toBe('unqualified');
  });

  it.each([
    ['C-level beats a manager', { jobTitle: 'Chief Revenue Officer' }, { jobTitle: 'Marketing Manager' }],
    ['a manager beats an intern', { jobTitle: 'Marketing Manager' }, { jobTitle: 'Intern' }],
    ['a company address beats a personal one', { email: 'a@brightstack.example' }, { email: 'a@hotmail.com' }],
    ['a hot industry beats a cold one', { industry: 'Software' }, { industry: 'Government' }],
    ['a student is below a plain title', { jobTitle: 'Analyst' }, { jobTitle: 'Student' }],
  ])('%s', (_name, warmer, colder) => {
    expect(score(warmer)().score).toBeGreaterThan(score(colder)().score);
  });

  it.each([
    ['pricing visits', 'page_viewed', 'https://x.example/pricing', 12],
    ['webinars', 'webinar_attended', '', 15],
    ['downloads', 'content_downloaded', '', 8],
    ['clicks', 'email_clicked', '', 4],
    ['opens', 'email_opened', '', 1],
    ['careers visits', 'page_viewed', 'https://x.example/jobs/42', -15],
    ['unsubscribes (mail stops, the signal stays)', 'unsubscribed', '', -25],
  ] as const)('%s count their points on the day', (_name, type, url, points) => {
    expect(score()([ev(type, 0, url)]).engagement).toBe(points);
  });

  it('caps a rule at its max: five pricing visits count three', () => {
    const s = score()([0, 1, 2, 3, 4].map((d) => ev('page_viewed', 0, `https://x.example/pricing?${d}`)));
    expect(s.contributions).toEqual([
      { rule: 'pricing-visit', kind: 'engagement', points: 36, rawPoints: 36, occurrences: 3 },
    ]);
  });

  it('halves engagement every 30 days; fit does not decay', () => {
    const fresh = vpAtSaas([ev('webinar_attended', 0)]);
    const old = vpAtSaas([ev('webinar_attended', 30)]);
    expect([fresh.fit, fresh.engagement]).toEqual([40, 15]);
    expect([old.fit, old.engagement]).toEqual([40, 7.5]);
  });

  it('deducts 10 for every 3 sends in a row without an open or click, up to 30', () => {
    const sends = (n: number, fromDay: number) =>
      Array.from({ length: n }, (_, i) => ({ status: 'sent', at: NOW - (fromDay - i * 3) * DAY }));
    const streak = (events: ReturnType<typeof ev>[], s: ReturnType<typeof sends>) =>
      score()(events, s).contributions.find((c) => c.rule === 'unopened-streak')?.points ?? 0;
    expect(streak([], sends(2, 10))).toBe(0);
    expect(streak([], sends(3, 10))).toBe(-10);
    expect(streak([], sends(7, 30))).toBe(-20);
    expect(streak([], sends(20, 60))).toBe(-30);
    // An open after the third send ends the streak: only the sends after it count.
    expect(streak([ev('email_opened', 3)], sends(4, 10))).toBe(0);
    // Planned or failed touches are not sends.
    expect(streak([], sends(3, 10).map((s) => ({ ...s, status: 'planned' })))).toBe(0);
  });

  it('a booked meeting makes a lead sales-ready whatever its score; a purchase makes it a customer', () => {
    expect(associateOnGmail([ev('meeting_booked', 1)]).stage).toBe('sales-ready');
    expect(vpAtSaas([ev('meeting_booked', 5), ev('became_customer', 1)]).stage).toBe('customer');
  });

  it('reaching the action threshold makes a lead sales-ready', () => {
    const s = vpAtSaas([
      ev('page_viewed', 0, 'https://x.example/pricing'),
      ev('webinar_attended', 0),
      ev('content_downloaded', 0),
      ev('email_clicked', 0),
    ]);
    expect(s.score).toBe(79);
    expect(s.stage).toBe('desire');
    const more = vpAtSaas([ev('page_viewed', 0, 'https://x.example/pricing'), ev('webinar_attended', 0), ev('webinar_attended', 1)]);
    expect(more.score).toBeGreaterThanOrEqual(80);
    expect(more.stage).toBe('sales-ready');
  });

  it('matches event properties: a rule with properties counts only events that have them', () => {
    const m = { ...model, engagement: [{ id: 'demo', points: 20, events: new Set(['form_submitted'] as const), properties: new Map([['form', new Set(['demo'])]]) }] };
    const l = lead();
    expect(scoreLead(m, l, [ev('form_submitted', 0, '', { form: 'Demo' })], NOW).engagement).toBe(20);
    expect(scoreLead(m, l, [ev('form_submitted', 0, '', { form: 'newsletter' })], NOW).engagement).toBe(0);
    expect(scoreLead(m, l, [ev('form_submitted', 0)], NOW).engagement).toBe(0);
  });
});
