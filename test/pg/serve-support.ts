import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { ParsedMail } from 'mailparser';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { cliIn, type TestClock, tempWorkspace } from '../helpers/workspace.js';

export const RUN_AT = Date.parse('2026-11-24T15:00:00Z'); // a Tuesday, 10:00 in New York
const HEADER = 'email,first_name,company,job_title,industry,country,timezone,consent';
export const leadRow = (email: string, consent = 'confirmed') => `${email},Dana,Acme Analytics,VP Marketing,SaaS,US,America/New_York,${consent}`;

/** `nurture serve --port 0 [args…]` in process; resolves once it printed where it listens. */
export async function startServe(dir: string, clock: TestClock, env: Record<string, string>, args: string[] = []) {
  const controller = new AbortController();
  const stdout: string[] = [];
  const stderr: string[] = [];
  let listening!: (base: string) => void;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const io: CliIo = {
    stdout: (t) => {
      stdout.push(t);
      const m = /^Nurture is serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(t);
      if (m) listening(`http://127.0.0.1:${m[1]}`);
    },
    stderr: (t) => stderr.push(t),
    clock,
    env: { NURTURE_SECRET: 'test-secret', ...env },
    cwd: dir,
    interactive: false,
    signal: controller.signal,
  };
  const exited = runCli(['serve', '--port', '0', ...args], io);
  const base = await Promise.race([ready, exited.then((status) => Promise.reject(new Error(`serve exited ${status}: ${stderr.join('\n')}`)))]);
  return {
    base,
    stdout,
    stderr,
    /** The one-time login URL serve printed last. */
    loginUrl: () => /(http:\/\/\S+\/login\?token=\S+)/.exec([...stdout].reverse().find((l) => /login\?token=/.test(l)) ?? '')?.[1] ?? '',
    async stop() {
      controller.abort();
      await exited;
    },
  };
}

/** A workspace with these leads imported into its SQLite database (`consent: confirmed`: pending leads get a confirmation email). */
export async function leadsWorkspace(rows: string[], clock: TestClock, env: Record<string, string>) {
  const ws = tempWorkspace();
  writeFileSync(join(ws.dir, 'leads.csv'), `${HEADER}\n${rows.join('\n')}\n`);
  const cli = cliIn(ws.dir, clock, env);
  const imported = await cli('leads', 'import', 'leads.csv');
  if (imported.status !== 0) throw new Error(imported.stderr);
  return { ...ws, cli };
}

/** The link paths (/u/…, /c/…, /o/…, /k/…) in a message's HTML and text, in order of appearance, without duplicates. */
export function linkPaths(m: ParsedMail): string[] {
  const body = `${typeof m.html === 'string' ? m.html : ''}\n${m.text ?? ''}`;
  const found = [...body.matchAll(/http:\/\/127\.0\.0\.1:8787(\/[ucok]\/[A-Za-z0-9_.-]+)/g)].map((x) => x[1]!);
  return [...new Set(found)];
}

/** What the link endpoints leave behind, row for row, without what differs by nature (ids, random dedupe keys). */
export const STATE_QUERIES = {
  events: `SELECT l.email, e.type, e.occurred_at AS "occurredAt", e.url, e.properties, e.external_id AS "externalId", e.source, e.recorded_at AS "recordedAt",
      e.signal, e.signal_reason AS "signalReason", s.sequence_id AS "sequenceId", s.step_id AS "stepId"
    FROM events e JOIN leads l ON l.id = e.lead_id LEFT JOIN sends s ON s.id = e.send_id ORDER BY l.email, e.occurred_at, e.type, e.url, e.properties, e.signal`,
  leads: `SELECT email, consent, consent_at AS "consentAt", consent_source AS "consentSource", suppressed_reason AS "suppressedReason",
      suppressed_at AS "suppressedAt", updated_at AS "updatedAt" FROM leads ORDER BY email`,
  consentLog: `SELECT l.email, c.consent, c.previous, c.at, c.recorded_at AS "recordedAt", c.source, c.evidence, c.refused
    FROM consent_log c JOIN leads l ON l.id = c.lead_id ORDER BY l.email, c.at, c.id`,
  confirmations: `SELECT l.email, c.ref, c.status, c.attempts, c.confirmed_at AS "confirmedAt" FROM confirmations c JOIN leads l ON l.id = c.lead_id ORDER BY l.email`,
  sends: `SELECT l.email, s.sequence_id AS "sequenceId", s.step_id AS "stepId", s.status, s.ref, s.sent_at AS "sentAt", s.message_id AS "messageId"
    FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.status <> 'planned' ORDER BY l.email, s.sequence_id, s.step_id`,
} as const;

export type StateName = keyof typeof STATE_QUERIES;

export function sqliteRows(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

export const sqliteState = (path: string, name: StateName): unknown[] => sqliteRows(path, STATE_QUERIES[name]);

export async function pgState(pool: pg.Pool, name: StateName): Promise<unknown[]> {
  return (await pool.query(STATE_QUERIES[name])).rows;
}
