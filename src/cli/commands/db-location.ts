import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { resolveDatabase } from '../../db/location.js';
import type { ResolvedDatabase } from '../../db/types.js';
import { CONFIG_FILE } from '../../workspace/load.js';
import type { GlobalOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { UserError } from '../io.js';

/**
 * The database of the `db` commands. They read only `database:` of nurture.yaml (not the whole
 * workspace), so that migrating or inspecting a database works while a sequence is being edited.
 */
export function dbCommandDatabase(io: CliIo, globals: GlobalOptions): ResolvedDatabase {
  const workspaceDir = resolve(io.cwd, globals.workspace ?? '.');
  let configured: string | undefined;
  const file = join(workspaceDir, CONFIG_FILE);
  if (existsSync(file)) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UserError(`${CONFIG_FILE}: not valid YAML: ${(error as Error).message}`);
    }
    const value = (doc as { database?: unknown } | null)?.database;
    if (value !== undefined && typeof value !== 'string')
      throw new UserError(`${CONFIG_FILE}: database: expected a SQLite path or a postgres:// URL`);
    configured = value;
  }
  return resolveDatabase({ flag: globals.db, cwd: io.cwd, env: io.env, configured, workspaceDir });
}
