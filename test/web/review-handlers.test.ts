import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { forecast } from '../../src/run/forecast.js';
import { leadRef } from '../../src/run/lead-ref.js';
import { DAY_MS } from '../../src/time/clock.js';
import { createWebApp } from '../../src/web/app.js';
import { ReviewLogin } from '../../src/web/login/review-login.js';
import type { Router } from '../../src/web/router.js';
import { seededWorkspace } from '../calendar/seeded.js';
import { cookieHeader } from './login-session.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;
interface DayCount {
  start: string;
  extendedProps: { day: string; sequence: string; count: number };
}

describe('review pages, in process', () => {
  let seeded: Seeded;
  let app: App;
  let router: Router;
  let cookie: string;
  const get = (path: string) => router.handle(new Request(`http://127.0.0.1${path}`, { headers: { cookie } }));
  const getJson = async <T>(path: string) => (await (await get(path)).json()) as T;

  beforeAll(async () => {
    seeded = await seededWorkspace();
    app = seeded.open();
    const login = new ReviewLogin({ clock: seeded.clock });
    router = createWebApp(app, { webhookSecret: 'webhook-test-secret', login });
    cookie = cookieHeader(await router.handle(new Request(`http://127.0.0.1/login?token=${login.newToken()}`)));
  });
  afterAll(() => {
    app.close();
    seeded.cleanup();
  });

  it('serves the calendar page with the widget and the filters, then the summary and volume chart', async () => {
    const response = await get('/calendar');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<div id="calendar"');
    expect(page).toContain('<script src="/assets/fullcalendar.js">');
    expect(page).toMatch(/<select name="force"[^]*anxiety/);
    const summary = await (await get('/api/calendar/summary')).text();
    expect(summary).toMatch(/^<p class="summary" id="calendar-counts">\d+ touches to \d+ of 300 leads/);
    expect(summary).toContain('<svg role="img" aria-label="Touches per day"');
    expect((await get('/')).headers.get('location')).toBe('/calendar');
  });

  it('serves FullCalendar and its own assets from the machine, not a CDN', async () => {
    const fc = await get('/assets/fullcalendar.js');
    expect(fc.status).toBe(200);
    expect(await fc.text()).toContain('FullCalendar');
    expect((await get('/assets/calendar.js')).headers.get('content-type')).toContain('javascript');
    expect((await get('/assets/../package.json')).status).toBe(404);
  });

  it('gives the widget one count per day and sequence that adds up to the forecast', async () => {
    const now = app.clock.now();
    const expected = forecast(app.conn, app.workspace, { from: now, to: now + 90 * DAY_MS }).items;
    const events = await getJson<DayCount[]>('/api/calendar/events');
    expect(events.reduce((n, e) => n + e.extendedProps.count, 0)).toBe(expected.length);
    expect(events.length).toBeLessThanOrEqual(91 * app.workspace.sequences.length);
    const pushOnly = await getJson<DayCount[]>('/api/calendar/events?force=push');
    expect(pushOnly.reduce((n, e) => n + e.extendedProps.count, 0)).toBe(expected.filter((i) => i.force === 'push').length);
    const byStage = await Promise.all(
      ['awareness', 'interest', 'desire', 'action'].map((stage) => getJson<DayCount[]>(`/api/calendar/events?stage=${stage}`)),
    );
    const staged = byStage.flat().reduce((n, e) => n + e.extendedProps.count, 0);
    expect(staged).toBeGreaterThan(0);
    expect(staged).toBeLessThanOrEqual(expected.length);
    const week = await getJson<DayCount[]>('/api/calendar/events?start=2026-11-23T00:00:00Z&end=2026-11-30T00:00:00Z');
    expect(week.every((e) => e.start >= '2026-11-23' && e.start < '2026-11-30')).toBe(true);
  });

  it('pages the touches of one day, each with an opaque link to its lead', async () => {
    const [busiest] = (await getJson<DayCount[]>('/api/calendar/events')).sort((a, b) => b.extendedProps.count - a.extendedProps.count);
    const { day, sequence, count } = busiest!.extendedProps;
    const first = await getJson<{ total: number; pages: number; items: { lead: string; ref: string }[] }>(
      `/api/calendar/touches?day=${day}&sequence=${sequence}&page=0`,
    );
    expect(first.total).toBe(count);
    expect(first.items.length).toBe(Math.min(50, count));
    expect(first.items[0]!.ref).toBe(leadRef('test-secret', first.items[0]!.lead));
    expect(first.items[0]!.ref).not.toContain(first.items[0]!.lead.split('@')[0]);
    expect((await get('/api/calendar/touches?day=tomorrow')).status).toBe(400);
  });

  it('colours each sequence the same everywhere, gives touches as local times, and shades holidays and paused seasons', async () => {
    const events = await getJson<(DayCount & { backgroundColor: string })[]>('/api/calendar/events');
    const colourOf = new Map<string, string>();
    for (const ev of events) {
      expect(ev.backgroundColor).toMatch(/^#[0-9a-f]{6}$/);
      expect(colourOf.get(ev.extendedProps.sequence) ?? ev.backgroundColor).toBe(ev.backgroundColor);
      colourOf.set(ev.extendedProps.sequence, ev.backgroundColor);
    }
    expect(new Set(colourOf.values()).size).toBe(colourOf.size);
    const { items } = await getJson<{ items: { at: string; zone: string; local: string }[] }>(`/api/calendar/touches?day=${events[0]!.extendedProps.day}`);
    for (const item of items) expect(item.local).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} \([A-Za-z ]+\)$/);
    const marks = await getJson<{ title: string; start: string; display: string; classNames: string[] }[]>('/api/calendar/marks?start=2026-11-23&end=2027-01-04');
    expect(marks.every((m) => m.display === 'background')).toBe(true);
    expect(marks).toContainEqual(expect.objectContaining({ start: '2026-11-26', classNames: ['holiday'], title: expect.stringMatching(/^Thanksgiving Day \(US: \d+ leads wait\)$/) }));
    expect(marks.filter((m) => m.classNames[0] === 'season-pause').map((m) => m.start)).toEqual([
      '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01',
    ]);
    expect(marks.find((m) => m.start === '2026-12-25' && m.classNames[0] === 'holiday')?.title).toMatch(/^Christmas Day/);
  });

  it('shows a lead: next touch and why, score breakdown, timeline', async () => {
    const [event] = await getJson<DayCount[]>('/api/calendar/events');
    const { items } = await getJson<{ items: { lead: string; ref: string; at: string; reason: string }[] }>(
      `/api/calendar/touches?day=${event!.extendedProps.day}`,
    );
    const response = await get(`/leads/${items[0]!.ref}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toMatch(new RegExp(`<time class="next-at" datetime="${items[0]!.at.replace(/[+]/g, '\\+')}">(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \\d{1,2} [A-Z][a-z]{2}, \\d{2}:\\d{2} \\([A-Za-z ]+\\)</time>`));
    expect(page).toContain('Why this time: <span class="next-reason">');
    expect(page).toMatch(/Score -?[\d.]+ = fit -?[\d.]+ \+ engagement/);
    expect(page).toContain('<h2>Timeline</h2>');
    expect((await get('/leads/0123456789abcdef0123')).status).toBe(404);
  });

  it('says on the lead page where a zone came from', async () => {
    // examples/leads.csv gives this Nepali lead a country but no zone: the import guessed it.
    const guessed = await (await get(`/leads/${leadRef('test-secret', 'asmita.shrestha@granitewell-financial.com.np')}`)).text();
    expect(guessed).toContain('zone Asia/Kathmandu (<span class="zone-origin">zone guessed from country NP</span>)');
    const given = await (await get(`/leads/${leadRef('test-secret', 'jonas.schmidt@granitewind-hq.de')}`)).text();
    expect(given).toContain('zone Europe/Berlin (<span class="zone-origin">zone given</span>)');
  });

  it('shows a sequence: steps, force coverage, leads per step and upcoming volume', async () => {
    const page = await (await get('/sequences/new-signups')).text();
    expect(page).toContain('<table class="steps">');
    expect(page).toMatch(/<td>pain<\/td><td>push<\/td><td>push-messy-data<\/td><td>P0D<\/td>/);
    expect(page).toContain('All four forces covered.');
    expect(page).toContain('<h2>Upcoming volume</h2>');
    expect((await get('/sequences/nope')).status).toBe(404);
  });

  it('shows the plan diff form, and an error for a base that is not there', async () => {
    expect(await (await get('/diff')).text()).toContain('<form method="get" action="/diff">');
    const bad = await get('/diff?base=no-such-ref');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is neither a directory nor a git ref');
    const same = await (await get(`/diff?base=${encodeURIComponent(seeded.dir)}`)).text();
    expect(same).toContain('<strong id="leads-changed">0</strong> leads with a changed calendar');
  });
});
