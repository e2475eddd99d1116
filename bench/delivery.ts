/**
 * Delivery: a real run that renders and sends N due touches to an SMTP sink on 127.0.0.1 through
 * the pooled transport, against a floor measured in the same process: a raw nodemailer pooled
 * loop sending the same number of pre-rendered messages with the same pool and concurrency.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { openApp, runDeps } from '../src/app.js';
import { buildMessage } from '../src/mail/message.js';
import { runOnce } from '../src/run/run.js';
import { TestClock } from '../src/time/clock.js';
import { benchWorkspace } from './workspace.js';

const AT = Date.parse('2026-11-24T15:00:00Z'); // a Tuesday: 10:00 in New York, inside the window
const PLANNED_AT = Date.parse('2026-11-22T15:00:00Z'); // the Sunday before: everything is planned, nothing sent

/** The sink runs in a child process (see smtp-sink-process.ts) and answers its count over IPC. */
async function startSink(): Promise<{ port: number; received: () => Promise<number>; close: () => Promise<void> }> {
  const child = fork(join(import.meta.dirname, 'smtp-sink-process.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const next = () => new Promise<Record<string, number>>((resolve) => child.once('message', (m) => resolve(m as Record<string, number>)));
  const { port } = await next();
  return {
    port: port!,
    received: async () => {
      const answer = next();
      child.send('count');
      return (await answer).received!;
    },
    close: async () => {
      child.send('stop');
      await once(child, 'exit');
    },
  };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** Issue 5's targets: an absolute rate on this machine, and a share of the floor measured in the same run. */
const TARGET_RATE = 1000;
const TARGET_RATIO = 0.8;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

export async function benchDelivery(messages: number): Promise<void> {
  const dir = benchWorkspace('nurture-bench-delivery');
  const sink = await startSink();
  const clock = new TestClock(AT);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench', NURTURE_SMTP_URL: `smtp://127.0.0.1:${sink.port}` }, clock });
  try {
    const insert = app.conn.sqlite.prepare(
      `INSERT INTO leads (email, first_name, company, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
       VALUES (?, 'Dana', 'Acme Analytics', 'VP Marketing', 'SaaS', 'US', 'America/New_York', 'confirmed', '{}', 0, 0)`,
    );
    app.conn.sqlite.transaction(() => {
      for (let i = 0; i < messages; i++) insert.run(`lead${i}@acme${i % 500}.example.org`);
    })();

    // Floor: the same number of messages, rendered beforehand, through a raw pooled nodemailer loop.
    const sequence = app.workspace.sequences.find((s) => s.id === 'new-signups')!;
    const lead = app.stores.leads.page(0, 1)[0]!;
    const prerendered = buildMessage(app.renderer, { lead, sequence, step: sequence.steps[0]!, ref: 'floor', sender: app.workspace.config.sender, baseUrl: app.workspace.config.baseUrl, secret: app.secret, at: AT });
    // The same socket setting as ours (Nagle off), so the floor is the best nodemailer can do here.
    const raw = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      pool: true,
      maxConnections: app.workspace.config.smtpPool.connections,
      maxMessages: 1000,
      ignoreTLS: true,
      getSocket: (o: { host?: string; port?: number }, cb: (e: Error | null, s?: { connection: Socket }) => void) => {
        const socket = connect({ host: o.host, port: o.port ?? sink.port });
        socket.setNoDelay(true);
        socket.once('connect', () => cb(null, { connection: socket }));
        socket.once('error', (e) => cb(e));
      },
    } as SMTPPool.Options);
    let next = 0;
    const floorCpu = process.cpuUsage();
    const floorStart = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < messages) {
          const i = next++;
          await raw.sendMail({ ...prerendered, textEncoding: 'quoted-printable', to: `lead${i}@acme${i % 500}.example.org`, messageId: `<floor-${i}@bench>` });
        }
      }),
    );
    const floorSeconds = Number(process.hrtime.bigint() - floorStart) / 1e9;
    const floorCpuMs = cpuMs(process.cpuUsage(floorCpu));
    raw.close();

    // As in production: an earlier run (Sunday, window closed) enrolled and planned everyone; the
    // measured run is the one whose window opens, and it sends what was planned.
    const deps = runDeps(app);
    await runOnce(deps, { at: PLANNED_AT });
    const before = await sink.received();
    const runCpu = process.cpuUsage();
    const runStart = process.hrtime.bigint();
    const report = await runOnce(deps, { at: AT });
    const runSeconds = Number(process.hrtime.bigint() - runStart) / 1e9;
    const runCpuMs = cpuMs(process.cpuUsage(runCpu));
    const arrived = (await sink.received()) - before;
    const floorRate = messages / floorSeconds;
    const runRate = report.sent.length / runSeconds;
    console.log(`raw nodemailer pooled loop (floor): ${messages} messages in ${floorSeconds.toFixed(2)} s = ${Math.round(floorRate)} msg/s`);
    console.log(
      `nurture run sending what was planned (load + decide + claim + render + send + record): ${report.sent.length} sent, ${arrived} arrived, ` +
        `${runSeconds.toFixed(2)} s = ${Math.round(runRate)} msg/s, ${(runRate / floorRate).toFixed(2)}× floor`,
    );
    // CPU per message is steadier than wall time on a shared machine.
    const floorCpu1 = floorCpuMs / messages;
    const runCpu1 = runCpuMs / report.sent.length;
    console.log(
      `sender CPU per message: floor ${floorCpu1.toFixed(2)} ms, nurture ${runCpu1.toFixed(2)} ms (${(floorCpu1 / runCpu1).toFixed(2)}× floor's efficiency)`,
    );
    console.log(
      `targets: ≥ ${TARGET_RATE} msg/s ${verdict(runRate >= TARGET_RATE)}; ≥ ${TARGET_RATIO}× floor ${verdict(runRate / floorRate >= TARGET_RATIO)}`,
    );
  } finally {
    app.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
