import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLinkAt } from '../../src/mail/links.js';
import { serve } from '../../src/web/server.js';
import { lead, linkFixture, RUN_AT } from '../links/support.js';
import { type LoggedIn, logIn } from './login-session.js';

const A = 'dana@acme-analytics.com';
/** Enough leads that planning them outlasts an HTTP round trip many times over. */
const LEADS = 20_000;

describe('nurture serve while a cold calendar is being planned', () => {
  let f: Awaited<ReturnType<typeof linkFixture>>;
  let server: Server;
  let base: string;
  let session: LoggedIn;

  beforeAll(async () => {
    f = await linkFixture([lead(A)]);
    const insert = f.app.conn.sqlite.prepare(
      `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
       VALUES (?, 'VP Marketing', 'SaaS', 'US', 'America/Chicago', 'confirmed', '{}', 0, 0)`,
    );
    f.app.conn.sqlite.transaction(() => {
      for (let i = 0; i < LEADS; i++) insert.run(`lead${i}@company${i % 97}.example`);
    })();
    server = await serve(f.web, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    session = await logIn(`${base}/login?token=${f.loginToken()}`);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    f.close();
  });

  it('answers and records a one-click unsubscribe before the calendar requested ahead of it', async () => {
    const done: string[] = [];
    // The unsubscribe goes out once the server has the calendar request in hand.
    const received = new Promise<void>((resolve) =>
      server.on('request', (request: IncomingMessage) => {
        if (request.url === '/api/calendar/summary') resolve();
      }),
    );
    const calendar = fetch(`${base}/api/calendar/summary`, { headers: { cookie: session.cookie } }).then(async (response) => {
      const body = await response.text();
      done.push('calendar');
      return { status: response.status, body };
    });
    await received;
    const token = signLinkAt('test-secret', { kind: 'unsubscribe', ref: f.refOf(A) }, RUN_AT);
    const unsubscribe = await fetch(`${base}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    done.push('unsubscribe');
    expect(unsubscribe.status).toBe(200);
    expect(f.lead(A)).toEqual({ consent: 'unsubscribed', suppressed: 'unsubscribed' });

    const page = await calendar;
    expect(page.status).toBe(200);
    expect(page.body).toMatch(new RegExp(`^<p class="summary" id="calendar-counts">[\\d,]+ touches to [\\d,]+ of ${(LEADS + 1).toLocaleString('en-US')} leads`));
    expect(done).toEqual(['unsubscribe', 'calendar']);
  });

  it('shares one build between requests that arrive while it runs', async () => {
    f.clock.set(RUN_AT + 3_600_000); // past the cached snapshot's five minutes
    const summary = () => fetch(`${base}/api/calendar/summary`, { headers: { cookie: session.cookie } });
    const [a, b] = await Promise.all([summary(), summary()]);
    expect(await a.text()).toBe(await b.text());
  });
});
