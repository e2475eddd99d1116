import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { App, PgApp } from '../app.js';
import { importTargetOf } from './import-target.js';
import { importEventRecords } from '../io/import.js';
import type { InputRecord } from '../io/records.js';
import { jsonResponse, type Router } from './router.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toRecords(body: unknown): InputRecord[] | undefined {
  const list = Array.isArray(body) ? body : (body as { events?: unknown })?.events;
  if (!Array.isArray(list)) return undefined;
  return list.map((item, i): InputRecord => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { kind: 'bad', line: i + 1, reason: 'expected a JSON object' };
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(item)) fields[k.toLowerCase()] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return { kind: 'row', line: i + 1, fields };
  });
}

/**
 * Bounces, complaints and other events from an email provider or CRM: POST a JSON array (or
 * `{ "events": [...] }`) of `{ email, type, occurred_at, id?, url? }` with
 * `Authorization: Bearer <webhook secret>`. The same event posted twice is stored once; bounces
 * and complaints suppress the address at once.
 */
export function registerWebhookRoutes(router: Router, app: App | PgApp, webhookSecret: string): void {
  const target = importTargetOf(app);
  router.post('/webhooks/events', async (request) => {
    const auth = request.headers.get('authorization') ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!given || !sameSecret(given, webhookSecret)) return jsonResponse({ error: 'missing or wrong webhook secret' }, 401);
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return jsonResponse({ error: 'the body is not JSON' }, 400);
    }
    const records = toRecords(body);
    if (!records) return jsonResponse({ error: 'expected a JSON array of events, or { "events": [...] }' }, 400);
    const requestId = randomUUID().slice(0, 8);
    const report = await importEventRecords(
      target,
      records,
      { file: 'webhook', label: `webhook ${requestId} item` },
      app.clock.now(),
      { scoring: app.workspace.scoring },
    );
    const out = {
      request: requestId,
      received: report.rows,
      stored: report.stored,
      duplicates: report.duplicates,
      quarantined: report.quarantined.map((q) => ({ item: q.line, reason: q.reason })),
      rejected: report.rejected.map((r) => ({ item: r.line, reason: r.reason })),
    };
    return jsonResponse(out, report.rejected.length > 0 ? 422 : 200);
  });
}
