import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkspaceError } from '../workspace/errors.js';
import { loadWorkspace, type Workspace } from '../workspace/load.js';
import { type PlanDiff, diffForecasts } from './diff.js';
import type { ForecastReader } from './forecast-reader-type.js';

/** A base that is neither a workspace directory nor a git ref, or a base workspace that is invalid. */
export class BaseWorkspaceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BaseWorkspaceError';
  }
}

const git = (cwd: string, args: string[]): Buffer =>
  execFileSync('git', ['-C', cwd, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The base workspace files in a directory: `base` itself when it is a directory, otherwise the
 * workspace's own files at git ref `base`, written out with `git archive` into a temp directory
 * (the workspace may sit in a sub-folder of the repository: only that folder is taken).
 */
export function materializeBase(workspaceDir: string, base: string): { dir: string; cleanup: () => void } {
  const asDir = resolve(workspaceDir, base);
  if (existsSync(asDir) && statSync(asDir).isDirectory()) return { dir: asDir, cleanup: () => {} };
  // A ref never starts with '-': refuse it rather than let git read it as an option (--output=…).
  if (base.startsWith('-')) throw new BaseWorkspaceError(`--base: "${base}" is not a directory or a git ref`);
  let prefix: string;
  try {
    git(workspaceDir, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
    prefix = git(workspaceDir, ['rev-parse', '--show-prefix']).toString().trim();
  } catch {
    throw new BaseWorkspaceError(
      `--base: "${base}" is neither a directory nor a git ref of the repository holding ${workspaceDir}`,
    );
  }
  const tmp = mkdtempSync(join(tmpdir(), 'nurture-base-'));
  try {
    const tar = git(workspaceDir, ['archive', '--format=tar', base, '--', prefix || '.']);
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw new BaseWorkspaceError(`--base: could not read the workspace at ${base}`, { cause: error });
  }
  return { dir: join(tmp, prefix), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

export function loadBaseWorkspace(workspaceDir: string, base: string): Workspace {
  const files = materializeBase(workspaceDir, base);
  try {
    return loadWorkspace(files.dir);
  } catch (error) {
    if (error instanceof WorkspaceError)
      throw new BaseWorkspaceError(`--base ${base}: invalid workspace:\n${error.message}`, { cause: error });
    throw error;
  } finally {
    files.cleanup();
  }
}

/** Forecasts the same database (either store) under the base and the current workspace and compares them. */
export async function planDiff(
  reader: ForecastReader,
  current: Workspace,
  base: Workspace,
  window: { from: number; to: number },
): Promise<PlanDiff> {
  const before = await reader.forecast(base, window);
  return diffForecasts(before, { ...(await reader.forecast(current, window)), sequences: current.sequences });
}
