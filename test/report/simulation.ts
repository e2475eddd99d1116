import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type App, openApp } from '../../src/app.js';
import { signLinkAt } from '../../src/mail/links.js';
import { createWebApp } from '../../src/web/app.js';
import { serve } from '../../src/web/server.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * A seeded simulation of several weeks: leads imported, a run every weekday, and for each message
 * sent what its reader (or a machine) did, through the real link endpoints over HTTP: Apple MPP
 * fetches, gateway prefetches at delivery, scanner clicks (within seconds, bursts, HEAD), Gmail
 * proxy opens, people opening and clicking hours later, and meetings booked. The simulation
 * keeps its own ledger of what it did, so tests can check the report against the truth.
 */
export const DAY0 = Date.parse('2026-11-02T15:00:00Z'); // a Monday, 10:00 in New York
export const DAY = 86_400_000;
const SECRET = 'test-secret';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const GMAIL = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const APPLE = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const GATEWAY = 'Mozilla/5.0 (compatible; Mimecast URL Protect)';
const TITLES = ['Marketing Manager', 'Growth Marketing Manager', 'Sales Operations Manager', 'Revenue Operations Manager', 'Demand Generation Manager'];

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Truth {
  /** `sendId` → what a person did with that message. */
  humanOpened: Set<number>;
  humanClicked: Set<number>;
  machineTouched: Set<number>;
  meetings: { email: string; at: number }[];
  requests: number;
}

interface Action {
  at: number;
  path: string;
  method: 'GET' | 'HEAD';
  ua: string;
}

export async function simulate(options: { leads: number; weeks: number; seed: number }) {
  const ws = tempWorkspace();
  appendFileSync(join(ws.dir, 'nurture.yaml'), '\ngoals:\n  - { id: meeting, event: meeting_booked, within: P14D }\n');
  const seqFile = join(ws.dir, 'sequences', 'new-signups.yaml');
  writeFileSync(seqFile, `${readFileSync(seqFile, 'utf8')}holdout: 20%\n`);
  const rows = ['email,first_name,company,job_title,industry,country,timezone,consent'];
  for (let i = 0; i < options.leads; i++)
    rows.push(`lead${i}@company${i}.example,Lead${i},Company ${i},${TITLES[i % TITLES.length]},SaaS,US,America/New_York,confirmed`);
  writeFileSync(join(ws.dir, 'leads.csv'), `${rows.join('\n')}\n`);
  const clock = new TestClock(DAY0 - DAY);
  const cli = cliIn(ws.dir, clock);
  const imported = await cli('leads', 'import', 'leads.csv');
  if (imported.status !== 0) throw new Error(imported.stderr);

  const app: App = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: SECRET }, clock });
  const server: Server = await serve(createWebApp(app, { webhookSecret: 'hook' }), { host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
  const random = mulberry32(options.seed);
  const truth: Truth = { humanOpened: new Set(), humanClicked: new Set(), machineTouched: new Set(), meetings: [], requests: 0 };
  const booked = new Set<string>();

  for (let d = 0; d < options.weeks * 7; d++) {
    const day = DAY0 + d * DAY;
    if (new Date(day).getUTCDay() === 0 || new Date(day).getUTCDay() === 6) continue;
    clock.set(day);
    const run = await cli('run');
    if (run.status !== 0) throw new Error(run.stderr);
    const sent = db
      .prepare(
        `SELECT s.id, s.ref, s.sent_at AS at, l.email FROM sends s JOIN leads l ON l.id = s.lead_id
         WHERE s.status = 'sent' AND s.sent_at = ? ORDER BY s.id`,
      )
      .all(day) as { id: number; ref: string; at: number; email: string }[];
    const actions: Action[] = [];
    const meetings: string[] = [];
    for (const m of sent) {
      const open = (at: number, ua: string, method: 'GET' | 'HEAD' = 'GET') =>
        actions.push({ at, ua, method, path: `/o/${signLinkAt(SECRET, { kind: 'open', ref: m.ref }, day)}` });
      const click = (at: number, url: string, ua: string, method: 'GET' | 'HEAD' = 'GET') =>
        actions.push({ at, ua, method, path: `/c/${signLinkAt(SECRET, { kind: 'click', ref: m.ref, url }, day)}` });
      const r = random();
      // Machines first: they act at delivery.
      if (r < 0.15) {
        // A gateway at delivery: by its user agent, or (an ordinary one) by the timing alone.
        const ua = r < 0.07 ? GATEWAY : CHROME;
        open(m.at + 4_000, ua);
        click(m.at + 6_000, 'https://tidewater.example/a', ua);
        truth.machineTouched.add(m.id);
      } else if (r < 0.3) {
        open(m.at + 2 * 3_600_000, APPLE); // Apple MPP, any time
        truth.machineTouched.add(m.id);
      } else if (r < 0.38) {
        // A scanner following every link in the same second, then a HEAD check.
        click(m.at + 3_600_000, 'https://tidewater.example/a', CHROME);
        click(m.at + 3_600_000 + 200, 'https://tidewater.example/b', CHROME);
        click(m.at + 3_600_000 + 400, 'https://tidewater.example/c', CHROME, 'HEAD');
        truth.machineTouched.add(m.id);
      }
      const p = random();
      if (p < 0.35) {
        open(m.at + 3 * 3_600_000, p < 0.15 ? GMAIL : CHROME);
        truth.humanOpened.add(m.id);
        if (random() < 0.4) {
          click(m.at + 3 * 3_600_000 + 90_000, 'https://tidewater.example/pricing', CHROME);
          truth.humanClicked.add(m.id);
          if (random() < 0.3 && !booked.has(m.email)) meetings.push(m.email);
        }
      }
    }
    actions.sort((a, b) => a.at - b.at);
    for (const a of actions) {
      clock.set(a.at);
      const response = await fetch(`${base}${a.path}`, { method: a.method, headers: { 'user-agent': a.ua }, redirect: 'manual' });
      await response.arrayBuffer();
      truth.requests++;
    }
    if (meetings.length > 0) {
      const at = day + 6 * 3_600_000;
      clock.set(day + 7 * 3_600_000);
      const file = join(ws.dir, `meetings-${d}.csv`);
      writeFileSync(file, `email,type,occurred_at\n${meetings.map((e) => `${e},meeting_booked,${new Date(at).toISOString()}`).join('\n')}\n`);
      const result = await cli('events', 'import', file);
      if (result.status !== 0) throw new Error(result.stderr);
      for (const email of meetings) {
        booked.add(email);
        truth.meetings.push({ email, at });
      }
    }
  }
  const end = DAY0 + options.weeks * 7 * DAY;
  clock.set(end);
  return {
    ws,
    clock,
    cli,
    db,
    app,
    base,
    truth,
    end,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      app.close();
      ws.cleanup();
    },
  };
}
