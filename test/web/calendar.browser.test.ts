import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededWorkspace } from '../calendar/seeded.js';
import { ARTIFACTS, cspViolations, launchChromium } from './browser.js';
import { type RunningServe, startServe } from './login-session.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;

describe('the calendar page in chromium', () => {
  let seeded: Seeded;
  let served: RunningServe;
  let browser: Browser;
  let page: Page;
  let refused: string[];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    seeded = await seededWorkspace();
    served = await startServe(seeded.dir, seeded.clock);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    refused = cspViolations(page);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    seeded?.cleanup();
  });

  it('logs in with the URL serve printed and opens on the month view with per-day counts', async () => {
    await page.goto(served.loginUrl);
    expect(new URL(page.url()).pathname).toBe('/calendar');
    await page.locator('.fc-daygrid-event').first().waitFor();
    expect(await page.locator('.fc-dayGridMonth-view').count()).toBe(1);
    expect(await page.locator('.fc-daygrid-event').first().innerText()).toMatch(/^[\w-]+: \d+$/);
    await page.locator('#volume svg').waitFor();
    // Holidays of the leads' countries shaded behind the counts, each sequence in its own colour.
    await page.locator('.fc-bg-event.holiday').first().waitFor();
    expect(await page.locator('.fc-bg-event.holiday').first().innerText()).toMatch(/^.+ \([A-Z]{2}: \d+ leads? wait\)$/);
    const colours = await page.locator('.fc-daygrid-event.fc-daygrid-block-event').evaluateAll((els) => els.map((el) => [el.className.match(/seq-([\w-]+)/)?.[1], getComputedStyle(el).backgroundColor]));
    const bySequence = new Map<string, Set<string>>();
    for (const [seq, colour] of colours) bySequence.set(seq!, (bySequence.get(seq!) ?? new Set()).add(colour!));
    expect(bySequence.size).toBeGreaterThan(1);
    for (const set of bySequence.values()) expect(set.size).toBe(1);
    expect(new Set([...bySequence.values()].map((s) => [...s][0])).size).toBe(bySequence.size);
    expect(await page.locator('#calendar-counts').innerText()).toMatch(/^[\d,]+ touches to [\d,]+ of [\d,]+ leads/);
    await shot('calendar-month');
  });

  it('switches to the week and list views', async () => {
    await page.locator('.fc-dayGridWeek-button').click();
    await page.locator('.fc-dayGridWeek-view').waitFor();
    await shot('calendar-week');
    await page.locator('.fc-listMonth-button').click();
    await page.locator('.fc-list-event').first().waitFor();
    await shot('calendar-list');
    await page.locator('.fc-dayGridMonth-button').click();
    await page.locator('.fc-dayGridMonth-view').waitFor();
  });

  it('filters by force', async () => {
    const refetch = page.waitForResponse((r) => r.url().includes('/api/calendar/events') && r.url().includes('force=anxiety'));
    await page.selectOption('#filter-force', 'anxiety');
    const events = (await (await refetch).json()) as unknown[];
    await expect.poll(() => page.locator('.fc-daygrid-event').count()).toBe(events.length);
    await page.locator('.fc-daygrid-event').first().click();
    await page.locator('#day-rows tr').first().waitFor();
    const forces = await page.locator('#day-rows tr td:nth-child(5)').allInnerTexts();
    expect(forces.length).toBeGreaterThan(0);
    expect(new Set(forces)).toEqual(new Set(['anxiety']));
    await shot('calendar-filtered-day');
  });

  it('opens a lead and shows its next touch and why', async () => {
    await page.locator('#day-rows tr td:nth-child(2) a').first().click();
    await page.locator('#next-touch .next-at').waitFor();
    expect(await page.locator('#next-touch .next-at').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(await page.locator('#next-touch .next-at').innerText()).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} \([A-Za-z ]+\)$/);
    expect((await page.locator('#next-touch .next-reason').innerText()).length).toBeGreaterThan(0);
    expect(page.url()).toMatch(/\/leads\/[0-9a-f]{20}$/);
    await shot('lead');
  });

  it('opens a sequence page from the nav bar, with its steps and volume chart', async () => {
    await page.getByRole('link', { name: 'New sign-ups' }).click();
    await page.locator('table.steps').waitFor();
    expect(await page.locator('table.steps tbody tr').count()).toBe(5);
    expect(await page.locator('.volume-chart rect').count()).toBeGreaterThan(0);
    await shot('sequence');
  });

  it('shows the plan diff against a base where new-signups is slower', async () => {
    const baseDir = join(seeded.dir, 'base');
    for (const f of ['nurture.yaml', 'sequences', 'templates']) cpSync(join(seeded.dir, f), join(baseDir, f), { recursive: true });
    const file = join(baseDir, 'sequences', 'new-signups.yaml');
    // The base waits longer before `future` and has one step more: moved touches, and removed ones that say why.
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/(template: pull-synced-data, +wait: )P3D/, '$1P6D')
        .replace(/(wait: P2D \}\n)/, '$1  - { id: recap, force: habit, template: habit-csv-exports, wait: P1D }\n'),
    );
    await page.getByRole('link', { name: 'Plan diff' }).click();
    await page.fill('input[name=base]', baseDir);
    await page.fill('input[name=days]', '60');
    await page.click('form[action="/diff"] button[type=submit]');
    await page.locator('#leads-changed').waitFor();
    expect(Number(await page.locator('#leads-changed').innerText())).toBeGreaterThan(0);
    expect(await page.locator('td .moved').count()).toBeGreaterThan(0);
    const removed = page.locator('tr:has(td .removed)');
    expect(await removed.count()).toBeGreaterThan(0);
    expect(await removed.first().locator('.removed-why').innerText()).toBe('step recap was removed from new-signups');
    expect(await removed.first().locator('time').first().innerText()).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} \(/);
    await shot('diff');
    await page.screenshot({ path: join(ARTIFACTS, 'diff-top.png') });
  });

  it('styled FullCalendar without any inline script or style the CSP had to refuse', async () => {
    await page.goto(`${served.base}/calendar`);
    await page.locator('.fc-daygrid-event').first().waitFor();
    // FullCalendar's own CSS reached the page through the CSSOM: its buttons have its colour.
    expect(await page.locator('.fc-today-button').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(44, 62, 80)');
    expect(refused).toEqual([]);
  });
});
