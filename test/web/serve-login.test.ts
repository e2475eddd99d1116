import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededWorkspace } from '../calendar/seeded.js';
import { cliIn } from '../helpers/workspace.js';
import { logIn, type RunningServe, startServe } from './login-session.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;

describe('nurture serve prints a one-time login URL', () => {
  let seeded: Seeded;
  let served: RunningServe;

  beforeAll(async () => {
    seeded = await seededWorkspace();
    served = await startServe(seeded.dir, seeded.clock);
  });
  afterAll(async () => {
    await served?.stop();
    seeded?.cleanup();
  });

  it('says where it serves and how to log in', () => {
    expect(served.lines[0]).toMatch(/^Nurture is serving http:\/\/127\.0\.0\.1:\d+\/ \(links, webhooks under \/webhooks\/\)\. Ctrl-C stops\.$/);
    expect(served.lines[1]).toMatch(/^Review pages \(login required\): http:\/\/127\.0\.0\.1:\d+\/login\?token=[\w-]{43}$/);
    expect(served.lines[2]).toBe(
      'That URL works once; a new one is printed here each time one is used. Set NURTURE_SERVE_PASSWORD for a login form.',
    );
  });

  it('logs in once with the printed URL, then prints the next one', async () => {
    const next = served.nextLine(/Next login URL/);
    const session = await logIn(served.loginUrl);
    expect((await fetch(`${served.base}/calendar`, { headers: { cookie: session.cookie } })).status).toBe(200);
    const line = await next;
    expect(line).toMatch(/^A browser logged in with the login URL\. Next login URL: http:\/\/127\.0\.0\.1:\d+\/login\?token=[\w-]{43}$/);
    expect((await fetch(served.loginUrl, { redirect: 'manual' })).status).toBe(403);
    const again = await logIn(line.slice(line.indexOf('http')));
    expect((await fetch(`${served.base}/calendar`, { headers: { cookie: again.cookie } })).status).toBe(200);
  });
});

describe('nurture serve with a short NURTURE_SERVE_PASSWORD', () => {
  it('refuses to start, naming the variable and the minimum', async () => {
    const seeded = await seededWorkspace();
    try {
      const result = await cliIn(seeded.dir, seeded.clock, { NURTURE_SERVE_PASSWORD: 'hunter2' })('serve', '--port', '0');
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('NURTURE_SERVE_PASSWORD: too short (7 characters); use at least 12');
    } finally {
      seeded.cleanup();
    }
  });
});
