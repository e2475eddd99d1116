/**
 * The review side at scale: a 90-day forecast of N generated leads (target ≤ 5 s for 100,000),
 * as `nurture calendar` plans it (worker threads) and in one thread, each with its CPU time and
 * as a ratio to the planning pass over the same leads in the same process, and the
 * time to first render of the calendar page for that base: `serve()` on 127.0.0.1, Debian's
 * chromium, from navigation until the widget has painted its first day count (`.fc` present
 * with events) — cold (the server plans the base on that request) and warm (cached).
 */
import { rmSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { type App, openApp, runDeps } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { forecastInThreads, threadsFor } from '../src/run/forecast-threads.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { benchWorkspace } from './workspace.js';

const ZONES = ['America/New_York', 'America/Los_Angeles', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Tokyo'];
const COUNTRIES = ['US', 'US', 'GB', 'DE', 'IN', 'NP', 'AU', 'NZ', 'CA', 'JP'];
const TITLES = ['Marketing Manager', 'VP Marketing', 'Director of Sales Operations', 'Marketing Associate', 'CEO', 'Intern'];
const INDUSTRIES = ['SaaS', 'Software', 'Education', 'Retail', 'Financial Services'];
// A Sunday: the planning pass plans every touch (windows are closed) instead of sending.
export const AT = Date.parse('2026-11-22T12:00:00Z');

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/**
 * Wall and CPU seconds of one call. The CPU time counts every thread of the process, and unlike
 * the wall time it does not grow when other processes share the machine's two cores.
 */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await fn();
  const { user, system } = process.cpuUsage(cpu);
  return { value, wall: seconds(start), cpu: (user + system) / 1e6 };
}

export function generate(app: App, leads: number): void {
  const insert = app.conn.sqlite.prepare(
    `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'confirmed', '{}', 0, 0)`,
  );
  const event = app.conn.sqlite.prepare(
    `INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, 'page_viewed', ?, 'https://x.example/pricing', ?, 0)`,
  );
  app.conn.sqlite.transaction(() => {
    for (let i = 0; i < leads; i++) {
      const z = i % ZONES.length;
      const id = Number(insert.run(`lead${i}@company${i % 997}.example`, TITLES[i % TITLES.length], INDUSTRIES[i % INDUSTRIES.length], COUNTRIES[z], ZONES[z]).lastInsertRowid);
      if (i % 3 === 0) event.run(id, AT - (i % 40) * DAY_MS, `e${i}`);
    }
  })();
}

/** `bench/calendar-server.ts` in a child process on the same database; resolves once it listens. */
async function startServer(dir: string): Promise<{ child: ChildProcess; port: number; token: string }> {
  const script = join(import.meta.dirname, 'calendar-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(AT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  for await (const chunk of child.stdout!) {
    out += chunk as string;
    const [, port, token] = /port (\d+) token ([\w-]+)/.exec(out) ?? [];
    if (port && token) return { child, port: Number(port), token };
  }
  await once(child, 'exit');
  throw new Error(`calendar server exited before listening: ${out}`);
}

/** Seconds from navigation until the widget (`.fc`) has painted, and until its first day count has. */
type Render = { widget: number; counts: number };

async function firstRender(url: string, token: string): Promise<{ cold: Render; warm: Render }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    // Log in first (landing on /healthz, which plans nothing), so the timed loads are the calendar's own.
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`${new URL(url).origin}/login?token=${token}&next=%2Fhealthz`);
    await login.close();
    const time = async () => {
      const page = await context.newPage();
      const start = process.hrtime.bigint();
      await page.goto(url, { timeout: 300_000 });
      await page.locator('.fc').first().waitFor({ timeout: 300_000 });
      const widget = seconds(start);
      await page.locator('.fc .fc-daygrid-event').first().waitFor({ timeout: 300_000 });
      const counts = seconds(start);
      await page.close();
      return { widget, counts };
    };
    return { cold: await time(), warm: await time() };
  } finally {
    await browser.close();
  }
}

/**
 * `leads` generated leads in a throwaway workspace, planned by a first run at AT: the base every
 * forecast benchmark and check starts from. `planning` is that run's wall time in seconds.
 */
export async function plannedBase(prefix: string, leads: number): Promise<{ app: App; dir: string; planning: number; close: () => void }> {
  const dir = benchWorkspace(prefix);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
  generate(app, leads);
  const start = process.hrtime.bigint();
  await runOnce(runDeps(app), { at: AT });
  const close = () => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { app, dir, planning: seconds(start), close };
}

export async function benchForecast(leads: number): Promise<void> {
  const { app, dir, planning, close } = await plannedBase('nurture-bench-forecast', leads);
  try {
    const window = { from: AT, to: AT + 90 * DAY_MS };
    // As `nurture calendar` plans it (worker threads for a big base), then in this thread alone.
    const threads = await threadsFor(app.conn);
    const threaded = await timed(() => forecastInThreads(app.conn, app.workspace, window, threads));
    const single = await timed(() => forecast(app.conn, app.workspace, window));
    console.log(`leads: ${leads.toLocaleString('en-US')}`);
    console.log(`planning pass: ${planning.toFixed(2)} s`);
    console.log(
      `90-day forecast: ${threaded.wall.toFixed(2)} s (target ≤ 5 s at 100,000; this thread and ${threads.workers} workers, cpu ${threaded.cpu.toFixed(2)} s), ${(threaded.wall / planning).toFixed(2)}× the planning pass, ${threaded.value.items.length.toLocaleString('en-US')} touches`,
    );
    console.log(`90-day forecast in one thread: ${single.wall.toFixed(2)} s (cpu ${single.cpu.toFixed(2)} s), ${(single.wall / planning).toFixed(2)}× the planning pass`);
    const server = await startServer(dir);
    try {
      const { cold, warm } = await firstRender(`http://127.0.0.1:${server.port}/calendar`, server.token);
      const show = (r: Render) => `widget ${r.widget.toFixed(2)} s, first counts ${r.counts.toFixed(2)} s`;
      console.log(`calendar page in chromium, cold (the server plans the base): ${show(cold)}`);
      console.log(`calendar page in chromium, warm (forecast cached): ${show(warm)}`);
    } finally {
      server.child.kill('SIGTERM');
    }
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    close();
  }
}
