import type { App, PgApp } from '../../app.js';
import { jsonResponse } from '../router.js';
import { storeEspItems } from './store.js';
import type { EspItem, EspProvider, EspRouteDeps } from './types.js';

/** Stores a verified request's items, logs the rejected ones, and answers 200 with the report. */
export async function respond(app: App | PgApp, deps: EspRouteDeps, provider: EspProvider, items: EspItem[], requestId: string): Promise<Response> {
  const report = await storeEspItems(app, provider, items, requestId);
  for (const r of report.rejected) deps.log(`${provider} webhook ${requestId} item ${r.item} rejected: ${r.reason}`);
  return jsonResponse(report, 200);
}
