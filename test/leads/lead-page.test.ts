import { afterEach, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { leadRef } from '../../src/run/lead-ref.js';
import { TestClock } from '../../src/time/clock.js';
import { registerReviewRoutes } from '../../src/web/review-routes.js';
import { Router } from '../../src/web/router.js';
import { NOW } from '../bad-input/support.js';
import { leadsWorkspace } from './support.js';

/** The lead page says why a lead gets no mail, in process (the review routes' own handler). */

describe('the lead page', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('names the first reason a lead gets no mail, and leaves it out for a lead with mail planned', async () => {
    const ws = await leadsWorkspace();
    const app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test-secret' }, clock: new TestClock(NOW) });
    cleanup = () => {
      app.close();
      ws.cleanup();
    };
    const router = registerReviewRoutes(new Router(), app);
    const page = async (email: string) => {
      const response = await router.handle(new Request(`http://127.0.0.1/leads/${leadRef('test-secret', email)}`));
      expect(response.status).toBe(200);
      return response.text();
    };
    expect(await page('ben@quietco.example')).toContain(
      '<section id="no-mail"><h2>No mail now</h2><p class="no-mail-reason" data-cause="consent">consent none; the policy requires confirmed</p></section>',
    );
    expect(await page('cara@quietco.example')).toContain(
      'data-cause="unqualified">unqualified: score -15, 15 point(s) below awareness (0)</p>',
    );
    const ana = await page('ana@brightstack.example');
    expect(ana).not.toContain('id="no-mail"');
    expect(ana).toContain('<time class="next-at" datetime="2026-11-23T09:00:00-05:00">Mon 23 Nov, 09:00 (New York)</time>');
  });
});
