import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type App, openApp } from '../../src/app.js';
import { createWebApp } from '../../src/web/app.js';
import { ReviewLogin } from '../../src/web/login/review-login.js';
import type { Router } from '../../src/web/router.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

export const RUN_AT = Date.parse('2026-11-24T15:00:00Z'); // a Tuesday, 10:00 in New York
export const WEBHOOK_SECRET = 'webhook-test-secret';
const HEADER = 'email,first_name,company,job_title,industry,country,timezone,consent';

/** A workspace with a few fitting leads, one run done (file outbox), and the web app on it. */
export async function linkFixture(rows: string[]) {
  const ws = tempWorkspace();
  const clock = new TestClock(RUN_AT);
  writeFileSync(join(ws.dir, 'leads.csv'), `${HEADER}\n${rows.join('\n')}\n`);
  const cli = cliIn(ws.dir, clock);
  const imported = await cli('leads', 'import', 'leads.csv');
  if (imported.status !== 0) throw new Error(imported.stderr);
  const run = await cli('run', '--json');
  if (run.status !== 0) throw new Error(run.stderr);
  const app: App = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test-secret' }, clock });
  const login = new ReviewLogin({ clock });
  const web: Router = createWebApp(app, { webhookSecret: WEBHOOK_SECRET, login });
  const db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
  return {
    ws,
    clock,
    cli,
    app,
    web,
    /** Mints a one-time login token, as `serve` prints one. */
    loginToken: () => login.newToken(),
    db,
    refOf: (email: string) =>
      (db.prepare('SELECT s.ref FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ? ORDER BY s.id LIMIT 1').get(email) as { ref: string }).ref,
    lead: (email: string) =>
      db.prepare('SELECT consent, suppressed_reason AS suppressed FROM leads WHERE email = ?').get(email) as { consent: string; suppressed: string | null },
    eventsOf: (email: string) =>
      db.prepare('SELECT e.type, e.url FROM events e JOIN leads l ON l.id = e.lead_id WHERE l.email = ? ORDER BY e.id').all(email) as { type: string; url: string }[],
    request: (path: string, init?: RequestInit) => web.handle(new Request(`http://127.0.0.1:8787${path}`, init)),
    close() {
      db.close();
      app.close();
      ws.cleanup();
    },
  };
}

export const lead = (email: string, consent = 'confirmed') => `${email},Dana,Acme Analytics,VP Marketing,SaaS,US,America/New_York,${consent}`;
