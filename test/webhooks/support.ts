import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

export const RUN_AT = Date.parse('2026-11-24T15:00:00Z'); // a Tuesday, 10:00 in New York
/** When the providers report back: an hour after the run. */
export const LATER = RUN_AT + 3_600_000;
const HEADER = 'email,first_name,company,job_title,industry,country,timezone,consent';
export const lead = (email: string) => `${email},Dana,Acme Analytics,VP Marketing,SaaS,US,America/New_York,confirmed`;

export interface StoredEvent {
  type: string;
  occurredAt: number;
  properties: Record<string, string>;
  source: string;
}

/**
 * A workspace whose leads were each sent a first touch (file outbox), with `webhooks:` added to
 * nurture.yaml, and `nurture serve --port 0` running in process on 127.0.0.1 — the same command a
 * user starts — until `stop()`.
 */
export async function serveFixture(leads: string[], webhooksYaml: string, env: Record<string, string> = {}, files: Record<string, string> = {}) {
  const ws = tempWorkspace();
  const clock = new TestClock(RUN_AT);
  writeFileSync(join(ws.dir, 'leads.csv'), `${HEADER}\n${leads.map(lead).join('\n')}\n`);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(ws.dir, name), content);
  const cli = cliIn(ws.dir, clock, env);
  const imported = await cli('leads', 'import', 'leads.csv');
  if (imported.status !== 0) throw new Error(imported.stderr);
  const run = await cli('run', '--json');
  if (run.status !== 0) throw new Error(run.stderr);
  appendFileSync(join(ws.dir, 'nurture.yaml'), `\n${webhooksYaml}\n`);
  clock.set(LATER);
  const server = await startServe(ws.dir, clock, env);
  const db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
  return {
    ws,
    clock,
    cli,
    base: server.base,
    stderr: server.stderr,
    db,
    messageIdOf: (email: string) =>
      (db.prepare('SELECT s.message_id AS id FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ? AND s.status = ? ORDER BY s.id LIMIT 1').get(email, 'sent') as { id: string }).id,
    sendOf: (email: string) =>
      db.prepare("SELECT s.id, s.sequence_id AS sequence, s.step_id AS step FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ? AND s.status = 'sent' ORDER BY s.id LIMIT 1").get(email) as {
        id: number;
        sequence: string;
        step: string;
      },
    lead: (email: string) =>
      db.prepare('SELECT consent, suppressed_reason AS suppressed FROM leads WHERE email = ?').get(email) as { consent: string; suppressed: string | null },
    events: (email: string): StoredEvent[] =>
      (
        db
          .prepare('SELECT e.type, e.occurred_at AS occurredAt, e.properties, e.source FROM events e JOIN leads l ON l.id = e.lead_id WHERE l.email = ? ORDER BY e.id')
          .all(email) as { type: string; occurredAt: number; properties: string; source: string }[]
      ).map((e) => ({ ...e, properties: JSON.parse(e.properties) as Record<string, string> })),
    /** How each stored open and click of a lead was classified, in order. */
    signals: (email: string) =>
      db
        .prepare("SELECT e.type, e.signal, e.signal_reason AS reason FROM events e JOIN leads l ON l.id = e.lead_id WHERE l.email = ? AND e.type IN ('email_opened', 'email_clicked') ORDER BY e.id")
        .all(email) as { type: string; signal: string; reason: string }[],
    eventCount: () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
    quarantined: () => db.prepare('SELECT email, type FROM quarantined_events ORDER BY id').all() as { email: string; type: string }[],
    post: (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
    async stop() {
      await server.stop();
      db.close();
      ws.cleanup();
    },
  };
}

/** `nurture serve --port 0` in process; resolves once it printed where it listens. */
export async function startServe(dir: string, clock: TestClock, env: Record<string, string>) {
  const controller = new AbortController();
  const stdout: string[] = [];
  const stderr: string[] = [];
  let listening!: (base: string) => void;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const io: CliIo = {
    stdout: (t) => {
      stdout.push(t);
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(t);
      if (m) listening(`http://127.0.0.1:${m[1]}`);
    },
    stderr: (t) => stderr.push(t),
    clock,
    env: { NURTURE_SECRET: 'test-secret', ...env },
    cwd: dir,
    interactive: false,
    signal: controller.signal,
  };
  const exited = runCli(['serve', '--port', '0'], io);
  const base = await Promise.race([ready, exited.then((status) => Promise.reject(new Error(`serve exited ${status}: ${stderr.join('\n')}`)))]);
  return {
    base,
    stdout,
    stderr,
    async stop() {
      controller.abort();
      await exited;
    },
  };
}
