import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../report/simulation.js';
import { ARTIFACTS, cspViolations, launchChromium } from './browser.js';
import { type RunningServe, startServe } from './login-session.js';

type Sim = Awaited<ReturnType<typeof simulate>>;

describe('the report page in chromium', () => {
  let sim: Sim;
  let served: RunningServe;
  let browser: Browser;
  let page: Page;
  let refused: string[];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    sim = await simulate({ leads: 60, weeks: 3, seed: 20261203 });
    served = await startServe(sim.ws.dir, sim.clock);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    refused = cspViolations(page);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await sim?.close();
  });

  it('is reached from the nav bar once logged in, with a chart for the funnel, the forces and the weeks', async () => {
    await page.goto(served.loginUrl);
    await page.getByRole('link', { name: 'What works' }).click();
    await page.locator('#funnel-chart svg').waitFor();
    expect(await page.locator('h1').innerText()).toBe('What works');
    expect(await page.locator('#funnel-chart rect').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#force-chart rect[fill]').count()).toBeGreaterThan(4);
    expect(await page.locator('#week-chart polyline').count()).toBe(4);
    expect(await page.locator('#report-summary').innerText()).toMatch(/^\d+ messages to \d+ leads from/);
    await shot('report');
  });

  it('opens the leads behind a number and from there a lead', async () => {
    const number = page.locator('table.by-force a.n[data-metric="humanClicked"]').first();
    const expected = Number(await number.innerText());
    await number.click();
    await page.locator('#lead-count').waitFor();
    expect(Number(await page.locator('#lead-count').innerText())).toBe(expected);
    expect(await page.locator('table.report-leads tbody tr').count()).toBe(Math.min(expected, 100));
    await shot('report-leads');
    await page.locator('table.report-leads tbody a').first().click();
    await page.locator('#next-touch').waitFor();
    expect(page.url()).toMatch(/\/leads\/[0-9a-f]{20}$/);
  });

  it('needed nothing the CSP refused', () => {
    expect(refused).toEqual([]);
  });
});
