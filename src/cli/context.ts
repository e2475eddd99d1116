import { resolve } from 'node:path';
import { type App, openApp } from '../app.js';
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
