import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App, PgApp } from '../app.js';
import { BaseWorkspaceError, loadBaseWorkspace, planDiff } from '../run/base-workspace.js';
import type { PlanDiff } from '../run/diff.js';
import type { ForecastReader } from '../run/forecast-reader.js';
import { DAY_MS, MINUTE_MS } from '../time/clock.js';
import { calendarEvents, calendarPage, calendarSummary, type TouchFilter, touchPage } from './pages/calendar.js';
import { checkReviewBase } from './diff-base.js';
import { diffPage } from './pages/diff.js';
import { param } from './pages/layout.js';
import { leadPage } from './pages/lead.js';
import { sequencePage } from './pages/sequence.js';
import { HolidayCalendar } from '../time/holidays.js';
import { calendarMarks } from './pages/calendar-marks.js';
import { colourOf, sequenceColours } from './pages/colours.js';
import { ReviewCache, type ReviewData } from './review-data.js';
import { reviewReads } from './review-reads.js';
import { html, jsonResponse, type Router, text } from './router.js';

// Beside this file in src/web (tsx) and in dist/web (`npm run build` copies them there).
const ASSET_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const FULLCALENDAR = join(dirname(createRequire(import.meta.url).resolve('fullcalendar/package.json')), 'index.global.min.js');

const ASSETS: Record<string, { file: string; type: string }> = {
  'fullcalendar.js': { file: FULLCALENDAR, type: 'text/javascript; charset=utf-8' },
  'calendar.js': { file: join(ASSET_DIR, 'calendar.js'), type: 'text/javascript; charset=utf-8' },
  'review.js': { file: join(ASSET_DIR, 'review.js'), type: 'text/javascript; charset=utf-8' },
  'review.css': { file: join(ASSET_DIR, 'review.css'), type: 'text/css; charset=utf-8' },
};

const filterOf = (request: Request): TouchFilter => ({
  sequence: param(request, 'sequence'),
  force: param(request, 'force'),
  stage: param(request, 'stage'),
});

function intParam(request: Request, name: string, fallback: number, max: number): number {
  const n = Number(param(request, name) ?? fallback);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}

/**
 * The review pages of `nurture serve`: the calendar (counts per day and sequence from one cached
 * forecast), its paged day detail, the lead and sequence pages, and the plan diff. Leads are
 * addressed by an HMAC ref, never by address or id.
 */
export function registerReviewRoutes(router: Router, app: App | PgApp): Router {
  const reads = reviewReads(app);
  const cache = new ReviewCache(app, reads.forecast);
  const colours = sequenceColours(app.workspace.sequences.map((s) => s.id));
  const holidays = new HolidayCalendar(app.workspace.policy.holidayRules);
  // Leads per country, read once per forecast snapshot (a lead without a country lives by the default one).
  const countries = new WeakMap<ReviewData, { country: string; leads: number }[]>();
  const countriesOf = async (data: ReviewData) => {
    let found = countries.get(data);
    if (!found) {
      const merged = new Map<string, number>();
      for (const c of await reads.leadsByCountry()) {
        const country = c.country.trim().toUpperCase() || app.workspace.policy.defaultCountry;
        merged.set(country, (merged.get(country) ?? 0) + c.leads);
      }
      countries.set(data, (found = [...merged].map(([country, leads]) => ({ country, leads }))));
    }
    return found;
  };
  const assets = new Map<string, Buffer>();
  router.get('/assets/:name', (_request, { name }) => {
    const asset = ASSETS[name!];
    if (!asset) return text('Not found', 404);
    let body = assets.get(name!);
    if (!body) assets.set(name!, (body = readFileSync(asset.file)));
    return new Response(new Uint8Array(body), {
      headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    });
  });
  router.get('/', () => new Response(null, { status: 302, headers: { location: '/calendar' } }));
  router.get('/calendar', () => html(calendarPage(app)));
  router.get('/api/calendar/summary', async () => html(calendarSummary(await cache.get())));
  router.get('/api/calendar/events', async (request) =>
    jsonResponse(calendarEvents(await cache.get(), filterOf(request), param(request, 'start'), param(request, 'end'), (id) => colourOf(colours, id))),
  );
  router.get('/api/calendar/marks', async (request) => {
    const data = await cache.get();
    return jsonResponse(
      calendarMarks({ start: param(request, 'start') ?? '', end: param(request, 'end') ?? '', seasons: app.workspace.policy.seasons, holidays, countries: await countriesOf(data) }),
    );
  });
  router.get('/api/calendar/touches', async (request) => {
    const day = param(request, 'day');
    if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return jsonResponse({ error: 'day: expected YYYY-MM-DD' }, 400);
    return jsonResponse(touchPage(await cache.get(), filterOf(request), day, intParam(request, 'page', 0, 1_000_000)));
  });
  router.get('/leads/:ref', async (_request, { ref }) => {
    const data = await cache.get();
    const email = data.emailByRef.get(ref!);
    const lead = email === undefined ? undefined : await reads.leadPage(email, data.from);
    return lead ? html(leadPage(app, lead, data.from, Math.round((data.to - data.from) / DAY_MS))) : text('No such lead', 404);
  });
  router.get('/sequences/:id', async (_request, { id }) => {
    const sequence = app.workspace.sequences.find((s) => s.id === id);
    return sequence ? html(sequencePage(app, sequence, await cache.get())) : text('No such sequence', 404);
  });
  registerDiffRoute(router, app, reads.forecast);
  return router;
}

function registerDiffRoute(router: Router, app: App | PgApp, reader: ForecastReader): void {
  const diffs = new Map<string, { at: number; diff: PlanDiff }>();
  router.get('/diff', async (request) => {
    const base = param(request, 'base') ?? '';
    const days = intParam(request, 'days', 14, 365) || 14;
    const page = intParam(request, 'page', 0, 100_000);
    if (!base) return html(diffPage(app, base, days, null, null, 0));
    const allowed = checkReviewBase(app.workspace.dir, base);
    if (!allowed.ok) return html(diffPage(app, base, days, null, allowed.message, 0), 400);
    const now = app.clock.now();
    const key = `${base}|${days}`;
    let hit = diffs.get(key);
    if (!hit || now - hit.at > 5 * MINUTE_MS || now < hit.at) {
      try {
        const baseWorkspace = loadBaseWorkspace(app.workspace.dir, allowed.base);
        hit = { at: now, diff: await planDiff(reader, app.workspace, baseWorkspace, { from: now, to: now + days * DAY_MS }) };
        diffs.set(key, hit);
      } catch (error) {
        if (!(error instanceof BaseWorkspaceError)) throw error;
        return html(diffPage(app, base, days, null, error.message, 0), 400);
      }
    }
    return html(diffPage(app, base, days, hit.diff, null, page));
  });
}
