import { resolve } from 'node:path';
import { type App, openApp, openRunApp, type PgApp } from '../app.js';
import { PostgresNotYetError } from '../db/postgres-refusal.js';
import { WorkspaceError } from '../workspace/errors.js';
import type { CliIo } from './io.js';
import { UserError } from './io.js';

export interface GlobalOptions {
  workspace?: string;
  db?: string;
  json?: boolean;
  /** The command's path (`leads import`), for messages that name it. */
  command?: string;
}

/** Opens the app for a command, closing it afterwards whatever happens. */
export async function withApp<T>(
  io: CliIo,
  globals: GlobalOptions,
  fn: (app: App) => Promise<T> | T,
): Promise<T> {
  let app: App;
  try {
    app = openApp({
      workspaceDir: resolve(io.cwd, globals.workspace ?? '.'),
      dbPath: globals.db,
      cwd: io.cwd,
      env: io.env,
      clock: io.clock,
    });
  } catch (error) {
    if (error instanceof WorkspaceError) throw new UserError(`invalid workspace:\n${error.message}`);
    if (error instanceof PostgresNotYetError) throw new UserError(error.forCommand(globals.command ?? 'this command').message);
    throw error;
  }
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

/**
 * withApp for the commands that run on PostgreSQL too (`run`, `worker`): the app of whichever
 * database the workspace names; on PostgreSQL the migrations are applied as it opens.
 */
export async function withRunApp<T>(io: CliIo, globals: GlobalOptions, fn: (app: App | PgApp) => Promise<T>): Promise<T> {
  let app: App | PgApp;
  try {
    app = await openRunApp({
      workspaceDir: resolve(io.cwd, globals.workspace ?? '.'),
      dbPath: globals.db,
      cwd: io.cwd,
      env: io.env,
      clock: io.clock,
    });
  } catch (error) {
    if (error instanceof WorkspaceError) throw new UserError(`invalid workspace:\n${error.message}`);
    if (error instanceof Error && /^(cannot connect to PostgreSQL|could not apply PostgreSQL migrations)/.test(error.message)) throw new UserError(error.message);
    throw error;
  }
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
