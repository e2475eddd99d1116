import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.js';
import { signLinkAt } from '../../src/mail/links.js';
import type { ExperimentSummary } from '../../src/run/experiment-summary.js';
import type { TouchItem } from '../../src/run/items.js';
import type { RunReport } from '../../src/run/run.js';
import { createWebApp } from '../../src/web/app.js';
import { serve } from '../../src/web/server.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';
import { mulberry32 } from './simulate.js';

/**
 * An A/B test on a subject line through the whole product: the CLI plans and runs, the real SMTP
 * server on 127.0.0.1 receives each message with its variant, people click through the real link
 * endpoints over HTTP (variant b, the shorter subject, is truly clicked ten times as often), and
 * the next run's test decides and — with autoConclude — writes b into the sequence file.
 */
const DAY0 = Date.parse('2026-11-02T15:00:00Z'); // a Monday, 10:00 in New York
const HOUR = 3_600_000;
const SECRET = 'test-secret';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const SUBJECT_B = 'Quick question, {{default lead.firstName "there"}}';
const TRUE_CLICK = { a: 0.04, b: 0.4 } as const;
const LEADS = 240;

describe('an A/B test on a subject line, end to end', () => {
  const ws = tempWorkspace();
  const clock = new TestClock(DAY0 - HOUR);
  let sink: SmtpSink;
  let app: App;
  let server: Server;
  let cli: ReturnType<typeof cliIn>;
  const forecastVariant = new Map<string, string>();
  const sentVariant = new Map<string, string>();
  let decided: ExperimentSummary | undefined;
  const sequenceFile = join(ws.dir, 'sequences', 'new-signups.yaml');

  beforeAll(async () => {
    const original = readFileSync(sequenceFile, 'utf8');
    writeFileSync(
      sequenceFile,
      original.replace(
        '  - { id: pain,     force: push,    template: push-messy-data,           wait: P0D }',
        [
          '  # Testing a shorter subject on the first touch.',
          '  - id: pain',
          '    force: push',
          '    template: push-messy-data',
          '    wait: P0D',
          '    variants:',
          '      - { id: a }',
          `      - { id: b, subject: '${SUBJECT_B}' }`,
          '    experiment: { mode: test, metric: click, minExposure: 30, autoConclude: true }',
        ].join('\n'),
      ),
    );
    const rows = ['email,first_name,company,job_title,industry,country,timezone,consent'];
    for (let i = 0; i < LEADS; i++) rows.push(`lead${i}@company${i}.example,Lead${i},Company ${i},Marketing Manager,SaaS,US,America/New_York,confirmed`);
    writeFileSync(join(ws.dir, 'leads.csv'), `${rows.join('\n')}\n`);
    sink = await startSmtpSink();
    cli = cliIn(ws.dir, clock, { NURTURE_SMTP_URL: sink.url, USER: 'e2e' });
    expect((await cli('leads', 'import', 'leads.csv')).status).toBe(0);
    const calendar = await cli('calendar', '--from', new Date(DAY0).toISOString(), '--days', '1', '--json');
    expect(calendar.status, calendar.stderr).toBe(0);
    for (const item of (JSON.parse(calendar.stdout) as { items: TouchItem[] }).items) if (item.step === 'pain') forecastVariant.set(item.lead, item.variant!);
    app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: SECRET }, clock });
    server = await serve(createWebApp(app, { webhookSecret: 'hook' }), { host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
    const random = mulberry32(15);
    for (let d = 0; d < 2; d++) {
      clock.set(DAY0 + d * 24 * HOUR);
      const run = await cli('run', '--json');
      expect(run.status, run.stderr).toBe(0);
      for (const item of (JSON.parse(run.stdout) as RunReport).sent) if (item.step === 'pain') sentVariant.set(item.lead, item.variant!);
      const sent = db
        .prepare(`SELECT ref, variant, sent_at AS at FROM sends WHERE step_id = 'pain' AND status = 'sent' AND sent_at = ?`)
        .all(clock.now()) as { ref: string; variant: 'a' | 'b'; at: number }[];
      for (const m of sent) {
        if (random() >= TRUE_CLICK[m.variant]) continue;
        const day = m.at;
        clock.set(m.at + 3 * HOUR);
        const open = await fetch(`${base}/o/${signLinkAt(SECRET, { kind: 'open', ref: m.ref }, day)}`, { headers: { 'user-agent': CHROME } });
        await open.arrayBuffer();
        clock.set(m.at + 3 * HOUR + 90_000);
        const click = await fetch(`${base}/c/${signLinkAt(SECRET, { kind: 'click', ref: m.ref, url: 'https://tidewater.example/pricing' }, day)}`, {
          headers: { 'user-agent': CHROME },
          redirect: 'manual',
        });
        await click.arrayBuffer();
      }
      if (d === 0) {
        clock.set(DAY0 + 20 * HOUR);
        const listed = await cli('experiments', '--json');
        expect(listed.status, listed.stderr).toBe(0);
        decided = (JSON.parse(listed.stdout) as { experiments: ExperimentSummary[] }).experiments[0];
      }
    }
    db.close();
    await sink.settled();
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    app.close();
    await sink.close();
    ws.cleanup();
  });

  it('runs send each lead the variant the forecast showed', () => {
    expect(sentVariant.size).toBeGreaterThan(LEADS * 0.9);
    for (const [lead, variant] of sentVariant) expect(forecastVariant.get(lead), lead).toBe(variant);
    const counts = [...sentVariant.values()].reduce((c, v) => ({ ...c, [v]: (c[v] ?? 0) + 1 }), {} as Record<string, number>);
    expect(counts.a).toBeGreaterThan(80);
    expect(counts.b).toBeGreaterThan(80);
  });

  it('delivers the variant: its subject, and X-Nurture-Variant on every message of the step', () => {
    const pain = sink.messages.filter((m) => m.headers.get('x-nurture-step') === 'pain');
    expect(pain.length).toBe(sentVariant.size);
    for (const m of pain) {
      const to = (m.to as { value: { address: string }[] }).value[0]!.address;
      const variant = m.headers.get('x-nurture-variant');
      expect(variant).toBe(sentVariant.get(to));
      if (variant === 'b') expect(m.subject).toMatch(/^Quick question, Lead\d+$/);
      else expect(m.subject).not.toMatch(/^Quick question/);
    }
  });

  it('experiments --json shows the arms, a winner with why, and a power forecast', () => {
    expect(decided).toBeDefined();
    const e = decided!;
    expect(e).toMatchObject({ sequence: 'new-signups', step: 'pain', mode: 'test', metric: 'click', decision: 'winner', winner: 'b' });
    expect(e.why).toMatch(/^b \d+\/\d+ beats control a \d+\/\d+ \(always-valid p/);
    const [a, b] = e.variants;
    expect(a!.exposures + b!.exposures).toBe(sentVariant.size);
    expect(b!.rate.rate!).toBeGreaterThan(a!.rate.rate!);
    expect(b!.probabilityBest).toBeGreaterThan(0.99);
    expect(b!.share).toBe(1);
    expect(e.power.baseline).toBeGreaterThan(0);
  });

  it('report --by variant gives one row per arm, checked against a count in SQL', async () => {
    const report = await cli('report', '--by', 'variant', '--from', new Date(DAY0 - HOUR).toISOString(), '--to', new Date(DAY0 + 3 * 24 * HOUR).toISOString(), '--json');
    expect(report.status, report.stderr).toBe(0);
    const rows = (JSON.parse(report.stdout) as { by: string; rows: { sequence: string; step: string; variant: string; sent: number; humanClicked: number }[] }).rows;
    const db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
    const truth = db
      .prepare(
        `SELECT variant, count(*) AS sent, sum(EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND e.type = 'email_clicked' AND e.signal = 'human')) AS clicked
         FROM sends s WHERE s.status = 'sent' AND s.variant IS NOT NULL GROUP BY variant ORDER BY variant`,
      )
      .all() as { variant: string; sent: number; clicked: number }[];
    db.close();
    expect(rows.map((r) => [r.sequence, r.step, r.variant, r.sent, r.humanClicked])).toEqual(truth.map((t) => ['new-signups', 'pain', t.variant, t.sent, t.clicked]));
    expect(truth[1]!.clicked).toBeGreaterThan(truth[0]!.clicked);
  });

  it('the next run concluded the test: b is the step’s content, with an audit line', () => {
    const file = readFileSync(sequenceFile, 'utf8');
    expect(file).toContain('# Testing a shorter subject on the first touch.');
    expect(file).not.toContain('variants:');
    expect(file).toContain(`subject: ${SUBJECT_B}`);
    const audit = join(ws.dir, '.nurture', 'experiments-audit.log');
    expect(existsSync(audit)).toBe(true);
    const line = JSON.parse(readFileSync(audit, 'utf8').trim().split('\n')[0]!) as Record<string, string>;
    expect(line).toMatchObject({ who: 'nurture run (autoConclude)', experiment: 'new-signups/pain', variant: 'b' });
    expect(line.why).toMatch(/beats control a/);
  });
});
