import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster from Debian's packages: `initdb` in a temporary directory, started
 * with `pg_ctl` on a free loopback port (its unix socket in the same directory, so it never meets
 * the Debian default cluster), stopped and removed by `stop()`. initdb refuses to run as root, so
 * when the tests run as root the cluster belongs to the `postgres` user (`runuser -u postgres`).
 *
 * Tests that need it are skipped only when NURTURE_TEST_PG=0 is set explicitly; CI never sets it,
 * and a missing PostgreSQL is then an error that says how to install it.
 */
export const PG_TESTS = process.env.NURTURE_TEST_PG !== '0';

export interface PgCluster {
  /** postgres://nurture@127.0.0.1:PORT/nurture (trust auth on loopback: no password). */
  url: string;
  port: number;
  dir: string;
  /** A fresh empty database in this cluster, for a test that wants its own. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

/** The newest Debian PostgreSQL bin directory (/usr/lib/postgresql/<major>/bin). */
export function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (majors.length === 0)
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql, or set NURTURE_TEST_PG=0 to skip these tests',
    );
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0]!;
  return join(root, newest, 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL tool, as the postgres user when we are root. */
function pgTool(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000, env: { ...process.env, LC_ALL: 'C' } });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'nurture-pg-'));
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const stop = () => {
    try {
      if (existsSync(join(data, 'postmaster.pid'))) pgTool(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    pgTool(join(bin, 'initdb'), ['-D', data, '-U', 'nurture', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    // Durability is not what these tests measure: no fsync, a small footprint for a 2-core machine.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=40`;
    try {
      pgTool(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
    } catch (error) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${tail}`, { cause: error });
    }
    const admin = `postgres://nurture@127.0.0.1:${port}/postgres`;
    const createDatabase = async (name: string) => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://nurture@127.0.0.1:${port}/${name}`;
    };
    const url = await createDatabase('nurture');
    return { url, port, dir, createDatabase, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user: apt-get install -y postgresql creates it');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
