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
import type { RunDeps } from './run/run.js';
import type { TickDeps } from './run/tick.js';
import { migratePostgres } from './db/pg/migrate.js';
import type { ResolvedDatabase } from './db/types.js';
import { PgBatchStore } from './store/postgres.js';

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

/**
 * A tick's dependencies on PostgreSQL: this worker's row (null for a one-off `nurture run`), and
 * the clock of the tick (a simulated worker's runs at its tick's moment).
 */
export function tickDeps(app: PgApp, extra: { workerId: number | null; clock?: Clock; signal?: AbortSignal }): TickDeps {
  const { workspace, renderer, secret, store } = app;
  return {
    store,
    workspace,
    renderer,
    secret,
    mailer: app.mailer(),
    clock: extra.clock ?? app.clock,
    workerId: extra.workerId,
    ...(extra.signal ? { signal: extra.signal } : {}),
  };
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

/** The workspace, its delivery files and the database it names: what every variant of the app starts from. */
function openParts(options: AppOptions) {
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
  let mailer: Mailer | undefined;
  const mailerOnce = () => {
    if (!mailer) {
      const { tls, dkim } = delivery.files;
      const plain = createMailer(options.env.NURTURE_SMTP_URL ?? workspace.config.smtp, workspace.dir, { pool: workspace.config.smtpPool, tls });
      mailer = dkim ? signingMailer(plain, dkimSigner(dkim), dkim.domain) : plain;
    }
    return mailer;
  };
  return { workspace, database, mailer: mailerOnce, closeMailer: () => mailer?.close() };
}

export function openApp(options: AppOptions): App {
  return sqliteApp(openParts(options), options);
}

function sqliteApp(parts: ReturnType<typeof openParts>, options: AppOptions): App {
  const { workspace, database, mailer, closeMailer } = parts;
  // Never a SQLite file named after a URL (what a postgres:// value once created): openRunApp opens a server.
  if (database.location.kind === 'postgres') throw new Error('openApp opens SQLite only: open a PostgreSQL database with openRunApp');
  const conn = openDatabase(database.location.path);
  return {
    workspace,
    conn,
    stores: storesFor(conn),
    renderer: new Renderer(workspace.templates),
    clock: options.clock,
    secret: workspaceSecret(workspace.dir, options.env),
    mailer,
    close() {
      closeMailer();
      conn.close();
    },
  };
}

/**
 * The app of `nurture run` and `nurture worker` on PostgreSQL: the batch store on its own pool,
 * with the migrations applied (under their advisory lock) before anything else.
 */
export interface PgApp {
  kind: 'postgres';
  workspace: Workspace;
  store: PgBatchStore;
  /** The server, for messages (password masked) and for a worker's own LISTEN connection. */
  database: ResolvedDatabase & { location: { kind: 'postgres' } };
  renderer: Renderer;
  clock: Clock;
  secret: string;
  mailer(): Mailer;
  close(): Promise<void>;
}

/** The app for a command that runs on either database: SQLite's App, or PostgreSQL's PgApp. */
export async function openRunApp(options: AppOptions, connections = 4): Promise<App | PgApp> {
  const parts = openParts(options);
  const { workspace, database, mailer, closeMailer } = parts;
  const { location } = database;
  if (location.kind === 'sqlite') return sqliteApp(parts, options);
  const store = await PgBatchStore.open(location.url, connections);
  try {
    await migratePostgres(store.pool);
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    kind: 'postgres',
    workspace,
    store,
    database: { ...database, location },
    renderer: new Renderer(workspace.templates),
    clock: options.clock,
    secret: workspaceSecret(workspace.dir, options.env),
    mailer,
    async close() {
      closeMailer();
      await store.close();
    },
  };
}

export const isPgApp = (app: App | PgApp): app is PgApp => 'kind' in app && app.kind === 'postgres';
