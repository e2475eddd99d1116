import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { SinkTransfer, SmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, REPO_ROOT, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** Tuesday 2026-11-24, 10:00 in New York: inside the send window; the first step waits P0D. */
export const AT = '2026-11-24T15:00:00Z';
export const SECRET = 'delivery-test-secret';

export interface LeadSpec {
  email: string;
  consent?: 'confirmed' | 'pending';
}

/** Business leads that enrol in new-signups and are mailed at the first run inside the window. */
export function acmeLeads(names: string[], consent: 'confirmed' | 'pending' = 'confirmed'): LeadSpec[] {
  return names.map((n) => ({ email: `${n}@acme-analytics.com`, consent }));
}

export interface DeliveryWorkspace {
  dir: string;
  dbPath: string;
  cleanup(): void;
  /** The CLI in process (test clock at `AT`), pointed at `smtpUrl`. */
  cli(smtpUrl: string): ReturnType<typeof cliIn>;
  clock: TestClock;
}

/** After each test, closes the sink and removes the workspace it made (either may be missing). */
export function cleanUpAfterEach(made: () => { sink?: SmtpSink; ws?: DeliveryWorkspace }): void {
  afterEach(async () => {
    const { sink, ws } = made();
    await sink?.close();
    ws?.cleanup();
  });
}

/** A nurture.yaml rewrite for `deliveryWorkspace`: a pool of `n` SMTP connections. */
export const withConnections = (n: number) => (yaml: string) => `${yaml}\nsmtpPool: { connections: ${n} }\n`;

/**
 * A copy of the example workspace with our own handful of leads imported. `yaml` may rewrite
 * nurture.yaml (e.g. an always-open send window for a worker that runs on the real clock).
 */
export async function deliveryWorkspace(leads: LeadSpec[], yaml?: (text: string) => string): Promise<DeliveryWorkspace> {
  const ws = tempWorkspace();
  if (yaml) {
    const file = join(ws.dir, 'nurture.yaml');
    writeFileSync(file, yaml(readFileSync(file, 'utf8')));
  }
  const header = 'email,first_name,last_name,company,job_title,industry,country,timezone,consent,consent_at,consent_source';
  const rows = leads.map(
    (l, i) =>
      `${l.email},Lead${i},Acme,Acme Analytics,VP Marketing,SaaS,US,America/New_York,${l.consent ?? 'confirmed'},2026-10-01T12:00:00Z,web-form`,
  );
  writeFileSync(join(ws.dir, 'leads.csv'), `${[header, ...rows].join('\n')}\n`);
  const clock = new TestClock(Date.parse(AT));
  const cli = (smtpUrl: string) => cliIn(ws.dir, clock, { NURTURE_SECRET: SECRET, NURTURE_SMTP_URL: smtpUrl });
  const imported = await cli('file:./outbox')('leads', 'import', 'leads.csv');
  if (imported.status !== 0) throw new Error(`leads import failed: ${imported.stderr}`);
  return { dir: ws.dir, dbPath: join(ws.dir, '.nurture', 'nurture.db'), cleanup: ws.cleanup, cli, clock };
}

/** Reads the database directly (its own connection, closed at once). */
export function query<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface SendRow {
  id: number;
  email: string;
  stepId: string;
  status: string;
  reason: string;
  attempts: number;
  lastResponse: string | null;
}

export function sendRows(dbPath: string): SendRow[] {
  return query<SendRow>(
    dbPath,
    `SELECT s.id, l.email, s.step_id AS stepId, s.status, s.reason, s.attempts, s.last_response AS lastResponse
       FROM sends s JOIN leads l ON l.id = s.lead_id ORDER BY s.id`,
  );
}

export interface AttemptRow {
  email: string;
  ok: number;
  permanent: number;
  response: string;
}

export function attemptRows(dbPath: string, email?: string): AttemptRow[] {
  return query<AttemptRow>(
    dbPath,
    `SELECT l.email, a.ok, a.permanent, a.response FROM delivery_attempts a
       JOIN sends s ON s.id = a.send_id JOIN leads l ON l.id = s.lead_id
      WHERE ? IS NULL OR l.email = ? ORDER BY a.id`,
    email ?? null,
    email ?? null,
  );
}

/** Resolves with `promise`, or fails with `what` after `ms`: every wait in these tests is bounded. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A sink's `onMessage` that holds the reply to the first message until `release`: that message
 * stays in flight (the server has it, the sender is still waiting). `held` gives its transfer.
 */
export function holdFirstMessage() {
  const held = deferred<SinkTransfer>();
  const release = deferred();
  const onMessage = (t: SinkTransfer) => {
    if (t.index !== 0) return 'accept' as const;
    held.resolve(t);
    return release.promise.then(() => 'accept' as const);
  };
  return { held, release, onMessage };
}

/** SIGKILLs the children still running and waits for all of them (test clean-up). */
export async function stopChildren(children: readonly (Child | undefined)[]): Promise<void> {
  for (const c of children) if (c && c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  await Promise.all(children.map((c) => c?.exited));
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has written `text` to stderr. */
  stderrIncludes(text: string): Promise<void>;
  /** Resolves once the process has written `text` to stdout. */
  stdoutIncludes(text: string): Promise<void>;
  /** Resolves when the process has exited, with its status (null when killed) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node bin/nurture.js …` as a child process: the real binary, the real process boundary. */
export function nurtureChild(dir: string, smtpUrl: string, args: string[]): Child {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'nurture.js'), '--workspace', dir, ...args], {
    cwd: dir,
    env: { ...process.env, NURTURE_SECRET: SECRET, NURTURE_SMTP_URL: smtpUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  /** Resolves each watcher once its text has been written to the stream. */
  const watch = (chunks: string[], stream: NodeJS.ReadableStream) => {
    const watchers: { text: string; resolve: () => void }[] = [];
    stream.on('data', (c: Buffer) => {
      chunks.push(c.toString());
      const all = chunks.join('');
      for (const w of watchers.splice(0)) {
        if (all.includes(w.text)) w.resolve();
        else watchers.push(w);
      }
    });
    return (text: string) =>
      new Promise<void>((resolve) => {
        if (chunks.join('').includes(text)) resolve();
        else watchers.push({ text, resolve });
      });
  };
  const stdoutIncludes = watch(out, child.stdout);
  const stderrIncludes = watch(err, child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, stdout: () => out.join(''), stderr: () => err.join(''), stderrIncludes, stdoutIncludes, exited };
}
