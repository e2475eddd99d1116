import { resolve } from 'node:path';
import { type App, openRunApp, type PgApp } from '../app.js';
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

function appOptions(io: CliIo, globals: GlobalOptions) {
  return { workspaceDir: resolve(io.cwd, globals.workspace ?? '.'), dbPath: globals.db, cwd: io.cwd, env: io.env, clock: io.clock };
}

/** What opening the app can fail on that is the user's to fix, said as such (exit 1). */
function asUserError(error: unknown): unknown {
  if (error instanceof WorkspaceError) return new UserError(`invalid workspace:\n${error.message}`);
  if (error instanceof Error && /^(cannot connect to PostgreSQL|could not apply PostgreSQL migrations)/.test(error.message)) return new UserError(error.message);
  return error;
}

/**
 * Opens the app for a command, closing it afterwards whatever happens: the app of whichever
 * database the workspace names (SQLite's App, or PostgreSQL's PgApp, whose migrations are
 * applied as it opens).
 */
export async function withApp<T>(io: CliIo, globals: GlobalOptions, fn: (app: App | PgApp) => Promise<T>): Promise<T> {
  let app: App | PgApp;
  try {
    app = await openRunApp(appOptions(io, globals));
  } catch (error) {
    throw asUserError(error);
  }
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
