import { jsonResponse, type Router } from './router.js';

/** The report pages' paths (report-routes.ts). */
const PAGES = ['/report', '/report/leads'];

/**
 * Until the report pages read PostgreSQL, `serve` on PostgreSQL answers them with 503 and says
 * why, behind the same login as the pages themselves; everything else works.
 */
export function registerNotOnPostgres(router: Router): void {
  const answer = () => jsonResponse({ error: 'the report pages do not read PostgreSQL yet: run nurture report on a SQLite copy' }, 503);
  for (const path of PAGES) router.get(path, answer);
}
