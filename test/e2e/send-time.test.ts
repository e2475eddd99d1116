import { appendFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.js';
import type { SendTimeSection } from '../../src/report/send-time.js';
import type { TouchItem } from '../../src/run/items.js';
import { createWebApp } from '../../src/web/app.js';
import { leadPage } from '../../src/web/pages/lead.js';
import { reviewReads } from '../../src/web/review-reads.js';
import { serve } from '../../src/web/server.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';
import { mulberry32 } from '../send-time/simulation.js';

/**
 * Send-time optimisation through the whole product: 40 leads in New York who read their mail at
 * 14:00 (the truth, written here: a message that arrives 12:00–14:59 is opened with probability
 * 0.6 at 14:20; earlier that day 0.2; later, 0.1 the next day), hourly runs for two weeks against
 * a real SMTP server, and every open made by fetching the tracking pixel of the message that
 * arrived, over HTTP from the real link endpoint.
 */
const DAY0 = Date.parse('2026-11-02T05:00:00Z'); // Monday 00:00 in New York
const HOUR = 3_600_000;
const DAYS = 12;
const ZONE = 'America/New_York';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

describe('send-time optimisation over two weeks of hourly runs, real SMTP and the real open endpoint', () => {
  const ws = tempWorkspace();
  const clock = new TestClock(DAY0 - 24 * HOUR);
  const random = mulberry32(7);
  let sink: SmtpSink;
  let app: App;
  let server: Server;
  let db: Database.Database;
  let forecastDay0: TouchItem[] = [];
  const sentDay0: string[] = [];
  let firstOpenAt = Number.POSITIVE_INFINITY;
  let opensMade = 0;
  const cli = () => cliIn(ws.dir, clock, { NURTURE_SMTP_URL: sink.url });

  beforeAll(async () => {
    sink = await startSmtpSink();
    appendFileSync(join(ws.dir, 'nurture.yaml'), '\nsendTime: { optimize: true, maxDelay: P1D, explore: 10%, holdout: 30% }\n');
    const rows = ['email,first_name,company,job_title,industry,country,timezone,consent'];
    for (let i = 0; i < 40; i++) rows.push(`lead${i}@company${i % 4}.example,Lead${i},Company ${i % 4},Marketing Manager,SaaS,US,${ZONE},confirmed`);
    writeFileSync(join(ws.dir, 'leads.csv'), `${rows.join('\n')}\n`);
    // Before send-time was on: half the leads opened at 14:10 on each weekday of a week in October.
    const history = ['email,type,occurred_at'];
    for (let i = 0; i < 20; i++)
      for (let d = 0; d < 5; d++) history.push(`lead${i}@company${i % 4}.example,email_opened,${DateTime.fromISO(`2026-10-${19 + d}T14:10`, { zone: ZONE }).toISO()}`);
    writeFileSync(join(ws.dir, 'history.csv'), `${history.join('\n')}\n`);
    const imported = await cli()('leads', 'import', 'leads.csv');
    expect(imported.status, imported.stderr + imported.stdout).toBe(0);
    expect((await cli()('events', 'import', 'history.csv')).status).toBe(0);
    clock.set(DAY0);
    const calendar = await cli()('calendar', '--from', new Date(DAY0).toISOString(), '--days', '1', '--json');
    expect(calendar.status).toBe(0);
    forecastDay0 = (JSON.parse(calendar.stdout) as { items: TouchItem[] }).items;

    app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test-secret' }, clock });
    server = await serve(createWebApp(app, { webhookSecret: 'hook' }), { host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });

    const pending: { at: number; path: string }[] = [];
    let seen = 0;
    for (let h = 0; h < DAYS * 24; h++) {
      const t = DAY0 + h * HOUR;
      pending.sort((a, b) => a.at - b.at);
      while (pending.length > 0 && pending[0]!.at <= t) {
        const open = pending.shift()!;
        clock.set(open.at);
        const response = await fetch(`${base}${open.path}`, { headers: { 'user-agent': CHROME } });
        await response.arrayBuffer();
        expect(response.status).toBe(200);
        opensMade++;
      }
      clock.set(t);
      const run = await cli()('run');
      expect(run.status, run.stderr).toBe(0);
      await sink.settled();
      const local = DateTime.fromMillis(t, { zone: ZONE });
      for (const message of sink.messages.slice(seen)) {
        if (message.headers.get('x-nurture-sequence') === 'double-opt-in') continue;
        const to = (Array.isArray(message.to) ? message.to[0] : message.to)!.value[0]!.address!;
        if (t < DAY0 + 24 * HOUR) sentDay0.push(`${to}|${message.headers.get('x-nurture-sequence')}|${message.headers.get('x-nurture-step')}|${t}`);
        const pixel = /src="https?:\/\/[^/"]+(\/o\/[^"]+)"/.exec(String(message.html))![1]!;
        const reading = local.set({ hour: 14, minute: 20 });
        const p = local.hour >= 12 && local.hour <= 14 ? 0.6 : local.hour < 12 ? 0.2 : 0.1;
        if (random() < p) {
          const at = (local.hour <= 14 ? reading : reading.plus({ days: 1 })).toMillis();
          firstOpenAt = Math.min(firstOpenAt, at);
          pending.push({ at, path: pixel });
        }
      }
      seen = sink.messages.length;
    }
    clock.set(DAY0 + DAYS * 24 * HOUR);
  }, 600_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    db?.close();
    app?.close();
    await sink?.close();
    ws.cleanup();
  });

  it('forecast day 0 with the rule send-time and its evidence, and the runs sent exactly that before new opens came in', () => {
    expect(forecastDay0.length).toBeGreaterThan(10);
    const rules = forecastDay0.map((i) => i.reason ?? '');
    expect(rules.some((r) => /send-time: (Mon|Tue|Wed|Thu|Fri) 14:00–15:00: \d+ of \d+ human opens and clicks/.test(r))).toBe(true);
    expect(rules.some((r) => r.includes('send-time: holdout: first open moment kept (the 30% control group)'))).toBe(true);
    const before = (k: string) => Number(k.split('|')[3]) < firstOpenAt;
    const forecast = forecastDay0.map((i) => `${i.lead}|${i.sequence}|${i.step}|${Date.parse(i.at)}`).filter(before);
    expect(sentDay0.filter(before).sort()).toEqual(forecast.sort());
  });

  it('every message went out inside the window on a weekday, placed by the send-time rule', () => {
    const sent = db.prepare("SELECT sent_at AS at, reason FROM sends WHERE status = 'sent'").all() as { at: number; reason: string }[];
    expect(sent.length).toBeGreaterThan(60);
    for (const s of sent) {
      const local = DateTime.fromMillis(s.at, { zone: ZONE });
      expect(local.weekday).toBeLessThanOrEqual(5);
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
      expect(s.reason).toMatch(/send-time: /);
    }
    expect(opensMade).toBeGreaterThan(20);
  });

  it('reports the lift of optimised sends over the holdout, counted as SQL written here counts it', async () => {
    const result = await cli()('report', '--from', new Date(DAY0).toISOString(), '--to', new Date(DAY0 + DAYS * 24 * HOUR).toISOString(), '--json');
    expect(result.status, result.stderr).toBe(0);
    const section = (JSON.parse(result.stdout) as { sendTime: SendTimeSection }).sendTime;
    const arms = db
      .prepare(
        `SELECT instr(s.reason, 'send-time: holdout') > 0 AS held, count(DISTINCT s.id) AS sent, count(DISTINCT e.send_id) AS opened
         FROM sends s LEFT JOIN events e ON e.send_id = s.id AND e.type = 'email_opened' AND e.signal = 'human'
         WHERE s.status = 'sent' GROUP BY 1`,
      )
      .all() as { held: number; sent: number; opened: number }[];
    const holdout = arms.find((a) => a.held === 1)!;
    const optimised = arms.find((a) => a.held === 0)!;
    expect(section.holdout.sent).toBe(holdout.sent);
    expect(section.optimised.sent).toBe(optimised.sent);
    expect(section.holdout.humanOpenRate.successes).toBe(holdout.opened);
    expect(section.optimised.humanOpenRate.successes).toBe(optimised.opened);
    expect(section.openLift.lift!).toBeCloseTo(optimised.opened / optimised.sent - holdout.opened / holdout.sent, 12);
    expect(section.openLift.low!).toBeGreaterThan(0);
    const table = await cli()('report', '--from', new Date(DAY0).toISOString(), '--to', new Date(DAY0 + DAYS * 24 * HOUR).toISOString());
    expect(table.stdout).toMatch(/Send-time optimisation/);
    expect(table.stdout).toMatch(/lift\s+│?.*pts/);
  });

  it('explain and the lead page name the send-time rule of the next touch', async () => {
    const leads = db.prepare("SELECT l.email FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.status = 'planned' AND s.reason LIKE '%send-time: %' LIMIT 1").all() as { email: string }[];
    expect(leads.length).toBe(1);
    const explained = await cli()('explain', leads[0]!.email);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toMatch(/send-time: /);
    const page = leadPage(app, (await reviewReads(app).leadPage(leads[0]!.email, clock.now()))!, clock.now(), 14);
    expect(page).toMatch(/class="next-reason">[^<]*send-time: /);
  });
});
