import { isAbsolute, resolve } from 'node:path';
import type { DatabaseLocation, DatabaseSource, ResolvedDatabase } from './types.js';

export const DEFAULT_DATABASE = '.nurture/nurture.db';

/** `postgres://…` or `postgresql://…` (libpq's two spellings); anything else is a SQLite path. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

export interface DatabaseSettings {
  /** `--db`, relative to the current directory. */
  flag?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** `database:` of nurture.yaml (relative to the workspace), if set. */
  configured?: string;
  workspaceDir: string;
}

/**
 * The database a command opens, first match wins: `--db`, `NURTURE_DATABASE_URL`, `NURTURE_DB`
 * (the older SQLite-only variable), `database:` in nurture.yaml, else `.nurture/nurture.db` in the
 * workspace. A `postgres://` value is a server, never a file name: before this, such a value was
 * joined to the workspace and created a SQLite file called `postgres:`.
 */
export function resolveDatabase(settings: DatabaseSettings): ResolvedDatabase {
  const { flag, env, configured } = settings;
  const pick = (value: string, source: DatabaseSource, base: string): ResolvedDatabase => ({
    location: locationOf(value, base),
    source,
  });
  if (flag) return pick(flag, '--db', settings.cwd);
  if (env.NURTURE_DATABASE_URL) return pick(env.NURTURE_DATABASE_URL, 'NURTURE_DATABASE_URL', settings.cwd);
  if (env.NURTURE_DB) return pick(env.NURTURE_DB, 'NURTURE_DB', settings.cwd);
  if (configured) return pick(configured, 'nurture.yaml database', settings.workspaceDir);
  return pick(DEFAULT_DATABASE, 'default', settings.workspaceDir);
}

function locationOf(value: string, base: string): DatabaseLocation {
  if (isPostgresUrl(value)) return { kind: 'postgres', url: value.trim() };
  if (value === ':memory:') return { kind: 'sqlite', path: value };
  // `sqlite:` / `file:` prefixes are read as the path after them.
  const path = value.replace(/^(sqlite|file):(\/\/)?/i, '');
  return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(base, path) };
}

/** The location for messages: a URL's password is never printed. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return location.path;
  return location.url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
