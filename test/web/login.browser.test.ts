import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRONG_PASSWORD } from '../../src/web/login/login-routes.js';
import { seededWorkspace } from '../calendar/seeded.js';
import { ARTIFACTS, cspViolations, launchChromium } from './browser.js';
import { type RunningServe, startServe } from './login-session.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;
const PASSWORD = 'a long enough review password';

describe('logging in with the password form, and out, in chromium', () => {
  let seeded: Seeded;
  let served: RunningServe;
  let browser: Browser;
  let page: Page;
  let refused: string[];

  beforeAll(async () => {
    seeded = await seededWorkspace();
    served = await startServe(seeded.dir, seeded.clock, { NURTURE_SERVE_PASSWORD: PASSWORD });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    refused = cspViolations(page);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    seeded?.cleanup();
  });

  it('sends a visitor without a session to the login page, and back where they were going once logged in', async () => {
    expect(served.lines[2]).toBe('That URL works once; or log in at /login with NURTURE_SERVE_PASSWORD.');
    await page.goto(`${served.base}/sequences/new-signups`);
    expect(page.url()).toBe(`${served.base}/login?next=%2Fsequences%2Fnew-signups`);
    expect(await page.locator('h1').innerText()).toBe('Log in to the review pages');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    expect(await page.locator('#login-message').innerText()).toBe(WRONG_PASSWORD);
    await page.screenshot({ path: join(ARTIFACTS, 'login-wrong-password.png') });
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('table.steps').waitFor();
    expect(page.url()).toBe(`${served.base}/sequences/new-signups`);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'nurture_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('logs out with the button (its CSRF token filled in by the page), after which the pages are closed again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${served.base}/login`);
    await page.goto(`${served.base}/calendar`);
    expect(page.url()).toBe(`${served.base}/login?next=%2Fcalendar`);
    expect(refused).toEqual([]);
  });
});
