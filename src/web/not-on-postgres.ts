import { jsonResponse, type Router } from './router.js';

/** The review and report pages' paths (review-routes.ts, report-routes.ts). */
const PAGES = ['/', '/calendar', '/api/calendar/summary', '/api/calendar/events', '/api/calendar/marks', '/api/calendar/touches', '/leads/:ref', '/sequences/:id', '/diff', '/report', '/report/leads'];

/**
 * Until the review and report pages read PostgreSQL, `serve` on PostgreSQL answers them with 503
 * and says why, behind the same login as the pages themselves; the link endpoints and webhooks work.
 */
export function registerNotOnPostgres(router: Router): void {
  const answer = () => jsonResponse({ error: 'this page does not read PostgreSQL yet: the link endpoints and webhooks do' }, 503);
  for (const path of PAGES) router.get(path, answer);
}
