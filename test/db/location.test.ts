import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeLocation, resolveDatabase } from '../../src/db/location.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

const base = { cwd: '/home/me', workspaceDir: '/ws', env: {} };

describe('resolveDatabase', () => {
  it('defaults to the SQLite file in the workspace', () => {
    expect(resolveDatabase(base)).toEqual({ location: { kind: 'sqlite', path: '/ws/.nurture/nurture.db' }, source: 'default' });
  });

  it('reads database: relative to the workspace, and a postgres URL as a server', () => {
    expect(resolveDatabase({ ...base, configured: 'data/n.db' }).location).toEqual({ kind: 'sqlite', path: '/ws/data/n.db' });
    expect(resolveDatabase({ ...base, configured: 'postgres://nurture@db.internal/nurture' })).toEqual({
      location: { kind: 'postgres', url: 'postgres://nurture@db.internal/nurture' },
      source: 'nurture.yaml database',
    });
    expect(resolveDatabase({ ...base, configured: 'postgresql://db/n' }).location.kind).toBe('postgres');
  });

  it('lets --db win over NURTURE_DATABASE_URL, and that over NURTURE_DB and nurture.yaml', () => {
    const env = { NURTURE_DATABASE_URL: 'postgres://env/db', NURTURE_DB: 'old.db' };
    expect(resolveDatabase({ ...base, env, configured: 'yaml.db', flag: 'flag.db' })).toEqual({
      location: { kind: 'sqlite', path: '/home/me/flag.db' },
      source: '--db',
    });
    expect(resolveDatabase({ ...base, env, configured: 'yaml.db' })).toEqual({
      location: { kind: 'postgres', url: 'postgres://env/db' },
      source: 'NURTURE_DATABASE_URL',
    });
    expect(resolveDatabase({ ...base, env: { NURTURE_DB: 'old.db' }, configured: 'yaml.db' }).location).toEqual({
      kind: 'sqlite',
      path: '/home/me/old.db',
    });
  });

  it('never prints a password', () => {
    expect(describeLocation({ kind: 'postgres', url: 'postgres://nurture:s3cret@db:5432/n' })).toBe('postgres://nurture:***@db:5432/n');
  });
});

describe('a postgres:// database is a server for every command, never a file', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function workspaceWith(database: string) {
    const ws = tempWorkspace();
    cleanup = ws.cleanup;
    const path = join(ws.dir, 'nurture.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^database: .*$/m, `database: ${database}`));
    return ws.dir;
  }

  it('every command that reads or writes leads opens PostgreSQL: an unreachable server is said plainly (exit 1, password masked), and no file is created', async () => {
    const dir = workspaceWith('postgres://nurture:pw@127.0.0.1:1/nurture');
    const cli = cliIn(dir, new TestClock(Date.parse('2026-03-02T15:00:00Z')));
    const commands = [
      ['run', '--at', '2026-03-02T15:00:00Z'],
      ['run', '--dry-run'],
      ['worker', '--once'],
      ['calendar'],
      ['diff', '--base', '.'],
      ['report'],
      ['experiments'],
      ['leads', 'import', 'examples/leads.csv'],
      ['events', 'import', 'examples/events.csv'],
      ['leads', 'list'],
      ['leads', 'show', 'a@example.com'],
      ['explain', 'a@example.com'],
      ['score'],
      ['handoff'],
      ['outbox'],
      ['outbox', 'uncertain'],
      ['serve', '--port', '0'],
    ];
    for (const argv of commands) {
      const result = await cli(...argv);
      expect([argv.join(' '), result.status]).toEqual([argv.join(' '), 1]);
      expect(result.stderr).toContain('nurture: cannot connect to PostgreSQL at postgres://nurture:***@127.0.0.1:1/nurture');
      expect(result.stderr).not.toContain('pw@');
    }
    expect(existsSync(join(dir, 'postgres:'))).toBe(false);
    expect(existsSync(join(dir, '.nurture', 'nurture.db'))).toBe(false);
  });

  it('from NURTURE_DATABASE_URL and --db, for nested commands too', async () => {
    const dir = workspaceWith('.nurture/nurture.db');
    const clock = new TestClock(Date.parse('2026-03-02T15:00:00Z'));
    const env = cliIn(dir, clock, { NURTURE_DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/n' });
    const imported = await env('leads', 'import', 'examples/leads.csv');
    expect(imported.status).toBe(1);
    expect(imported.stderr).toContain('cannot connect to PostgreSQL at postgres://u:***@127.0.0.1:1/n');
    expect(imported.stderr).not.toContain('pw@');
    const flag = await cliIn(dir, clock)('report', '--db', 'postgres://127.0.0.1:1/n');
    expect(flag.status).toBe(1);
    expect(flag.stderr).toContain('cannot connect to PostgreSQL at postgres://127.0.0.1:1/n');
    expect(readdirSync(dir)).not.toContain('postgres:');
    expect(existsSync(join(dir, '.nurture', 'nurture.db'))).toBe(false);
  });

  it('lint still validates the workspace when the server cannot be reached, and says why the lead checks were skipped', async () => {
    const dir = workspaceWith('postgres://nurture@127.0.0.1:1/nurture');
    const result = await cliIn(dir, new TestClock(Date.parse('2026-03-02T15:00:00Z')))('lint');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('workspace is valid;');
    expect(result.stdout).toContain('nurture.yaml: lead checks skipped: cannot connect to PostgreSQL at postgres://nurture@127.0.0.1:1/nurture: ');
    expect(readdirSync(dir)).not.toContain('postgres:');
  });

  it('SQLite stays the default: an import creates .nurture/nurture.db', async () => {
    const dir = workspaceWith('.nurture/nurture.db');
    const result = await cliIn(dir, new TestClock(Date.parse('2026-03-02T15:00:00Z')))('leads', 'import', 'examples/leads.csv');
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, '.nurture', 'nurture.db'))).toBe(true);
  });
});
