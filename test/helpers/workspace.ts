import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { TestClock } from '../../src/time/clock.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** A throwaway copy of the example workspace (nurture.yaml, sequences, templates, examples). */
export function tempWorkspace(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-test-'));
  cpSync(join(REPO_ROOT, 'nurture.yaml'), join(dir, 'nurture.yaml'));
  for (const folder of ['sequences', 'templates', 'examples'])
    cpSync(join(REPO_ROOT, folder), join(dir, folder), { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Drives the CLI in process with a test clock, capturing what it prints. */
export function cliIn(dir: string, clock: TestClock, env: Record<string, string> = {}) {
  return async (...argv: string[]): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      clock,
      env: { NURTURE_SECRET: 'test-secret', ...env },
      cwd: dir,
      interactive: false,
    };
    const status = await runCli(argv, io);
    return { status, stdout: out.join('\n'), stderr: err.join('\n') };
  };
}

export { TestClock };
