import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDiff } from '../../src/run/diff.js';
import { DAY0, seededWorkspace } from './seeded.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;
const window = ['--from', new Date(DAY0).toISOString(), '--days', '21'];

/** Slows the second step of new-signups from three days to six. */
function slowDown(dir: string) {
  const file = join(dir, 'sequences', 'new-signups.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/(template: pull-synced-data, +wait: )P3D/, '$1P6D'));
}

describe('nurture diff --base', () => {
  let seeded: Seeded;
  let baseDir: string;

  beforeAll(async () => {
    seeded = await seededWorkspace();
    baseDir = mkdtempSync(join(tmpdir(), 'nurture-base-test-'));
    for (const f of ['nurture.yaml', 'sequences', 'templates']) cpSync(join(seeded.dir, f), join(baseDir, f), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', seeded.dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('add', 'nurture.yaml', 'sequences', 'templates');
    git('commit', '-q', '-m', 'base');
    slowDown(seeded.dir);
  });
  afterAll(() => {
    seeded.cleanup();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('against a directory: moved touches, the leads they belong to, and the daily volume', async () => {
    const result = await seeded.cli('diff', '--base', baseDir, ...window, '--json');
    expect(result.status, result.stderr).toBe(0);
    const diff = JSON.parse(result.stdout) as PlanDiff;
    expect(diff.moved.length).toBeGreaterThan(0);
    expect(diff.moved.every((m) => Date.parse(m.after) > Date.parse(m.before) || m.step !== 'future')).toBe(true);
    expect(diff.leadsChanged.length).toBeGreaterThan(0);
    expect(diff.volume.reduce((n, v) => n + v.before, 0)).toBe(diff.unchanged + diff.moved.length + diff.removed.length);
  });

  it('against a git ref gives the same answer as the directory it holds', async () => {
    const viaGit = JSON.parse((await seeded.cli('diff', '--base', 'HEAD', ...window, '--json')).stdout) as PlanDiff;
    const viaDir = JSON.parse((await seeded.cli('diff', '--base', baseDir, ...window, '--json')).stdout) as PlanDiff;
    expect(viaGit).toEqual(viaDir);
  });

  it('prints a summary and the days whose volume changes', async () => {
    const result = await seeded.cli('diff', '--base', 'HEAD', ...window);
    expect(result.stdout).toMatch(/^\d+ leads with a changed calendar: \d+ touches added, \d+ removed, \d+ moved/m);
    expect(result.stdout).toContain('Daily volume (days that change):');
  });

  it('sees nothing to compare when the base is the workspace itself', async () => {
    const diff = JSON.parse((await seeded.cli('diff', '--base', '.', ...window, '--json')).stdout) as PlanDiff;
    expect(diff.leadsChanged).toEqual([]);
  });

  it('says what is wrong with a base that is neither', async () => {
    const result = await seeded.cli('diff', '--base', 'no-such-ref');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--base: "no-such-ref" is neither a directory nor a git ref');
    const option = await seeded.cli('diff', '--base=--output=/tmp/nurture-pwned.tar');
    expect(option.status).toBe(1);
    expect(option.stderr).toContain('is not a directory or a git ref');
  });
});
