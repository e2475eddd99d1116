import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Connection, openDatabase } from './db/connection.js';
import { complianceProblems } from './mail/compliance.js';
import { Renderer } from './mail/render.js';
import { dkimSigner, signingMailer } from './mail/dkim.js';
import { createMailer, type Mailer } from './mail/transport.js';
import { readDeliveryFiles } from './workspace/delivery-files.js';
import { type Stores, storesFor } from './run/context.js';
import type { Clock } from './time/clock.js';
import { WorkspaceError } from './workspace/errors.js';
import { loadWorkspace, type Workspace } from './workspace/load.js';
import { resolveDatabase } from './db/location.js';
import { PostgresNotYetError } from './db/postgres-refusal.js';
import type { RunDeps } from './run/run.js';

/**
 * The composition root: the only place that turns a workspace directory, the environment and a
 * clock into the database, the mailer and the renderer, and hands them down. No singletons.
 */
export interface App {
  workspace: Workspace;
  conn: Connection;
  stores: Stores;
  renderer: Renderer;
  clock: Clock;
  secret: string;
  mailer(): Mailer;
  close(): void;
}

/** A run's dependencies from the app (the caller adds progress and an abort signal). */
export function runDeps(app: App): RunDeps {
  const { conn, workspace, renderer, clock, secret } = app;
  return { conn, workspace, renderer, mailer: app.mailer(), clock, secret };
}

export interface AppOptions {
  workspaceDir: string;
  /** `--db` as given (a path, relative to `cwd`, or a postgres:// URL). */
  dbPath?: string;
  cwd?: string;
  env: Record<string, string | undefined>;
  clock: Clock;
}

export const SECRET_FILE = '.nurture/secret';
export const WEBHOOK_SECRET_FILE = '.nurture/webhook-secret';

/** A secret from the environment, else a random one kept (mode 600) in a file beside the database. */
function secretFrom(envValue: string | undefined, dir: string, file: string, generate: () => string): string {
  if (envValue) return envValue;
  const path = join(dir, file);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${generate()}\n`, { mode: 0o600 });
  }
  return readFileSync(path, 'utf8').trim();
}

/** The HMAC key for links: NURTURE_SECRET, else a random key kept beside the database. */
export function workspaceSecret(dir: string, env: Record<string, string | undefined>): string {
  return secretFrom(env.NURTURE_SECRET, dir, SECRET_FILE, () => randomBytes(32).toString('hex'));
}

/** The shared secret a webhook caller sends as a Bearer token: NURTURE_WEBHOOK_SECRET, else generated beside the link key. */
export function webhookSecret(dir: string, env: Record<string, string | undefined>): string {
  return secretFrom(env.NURTURE_WEBHOOK_SECRET, dir, WEBHOOK_SECRET_FILE, () => randomBytes(24).toString('base64url'));
}

export function openApp(options: AppOptions): App {
  const workspace = loadWorkspace(options.workspaceDir);
  const delivery = readDeliveryFiles(workspace);
  const problems = [...complianceProblems(workspace), ...delivery.problems];
  if (problems.length > 0) throw new WorkspaceError(problems);
  const database = resolveDatabase({
    flag: options.dbPath,
    cwd: options.cwd ?? workspace.dir,
    env: options.env,
    configured: workspace.config.database,
    workspaceDir: workspace.dir,
  });
  // The run, the forecast and the review pages read SQLite only so far: refuse, never fall back to a file.
  if (database.location.kind === 'postgres') throw new PostgresNotYetError(database);
  const conn = openDatabase(database.location.path);
  let mailer: Mailer | undefined;
  return {
    workspace,
    conn,
    stores: storesFor(conn),
    renderer: new Renderer(workspace.templates),
    clock: options.clock,
    secret: workspaceSecret(workspace.dir, options.env),
    mailer() {
      if (!mailer) {
        const { tls, dkim } = delivery.files;
        const plain = createMailer(options.env.NURTURE_SMTP_URL ?? workspace.config.smtp, workspace.dir, { pool: workspace.config.smtpPool, tls });
        mailer = dkim ? signingMailer(plain, dkimSigner(dkim), dkim.domain) : plain;
      }
      return mailer;
    },
    close() {
      mailer?.close();
      conn.close();
    },
  };
}
