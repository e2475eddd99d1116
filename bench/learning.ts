/**
 * Issue 15's benchmark: planning the generated base (planning.ts: 1,000,000 leads, 30 sequences,
 * a fifth of them with a click to learn from) with send-time optimisation on and one experiment
 * on the first step of every sequence (experiments.ts: 15 tests, 15 bandits), against the same
 * run with both off. Both workspaces name the same segments (two by the lead's fields, which
 * send-time pools hours by, and one by behaviour, which it leaves out). Each run is a first run on
 * its own copy of one generated database, off and on alternated `repeats` times; the figure is
 * the median of the pairwise ratios, so a burst of load on a shared machine moves one pair only.
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { runOnce } from '../src/run/run.js';
import { spareCores } from '../src/run/threads.js';
import { TestClock } from '../src/time/clock.js';
import { addExperiments } from './experiments.js';
import { AT, floor, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const SEGMENTS = `
segments:
  emea: { where: [{ field: country, in: [GB, DE] }] }
  software: { where: [{ field: industry, in: [SaaS, Software] }] }
  pricing-visitors: { did: [{ event: page_viewed, urlContains: /pricing, within: P30D }] }
`;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The two workspaces: the same segments, and send-time and experiments both off or both on. */
export function learningWorkspaces(): { off: string; on: string; cleanup: () => void } {
  const root = resolve(import.meta.dirname, '..');
  const off = benchWorkspace('nurture-bench-learning-off');
  writeSequences(root, off);
  appendFileSync(join(off, 'nurture.yaml'), SEGMENTS);
  const on = benchWorkspace('nurture-bench-learning-on');
  writeSequences(root, on);
  addExperiments(on);
  appendFileSync(join(on, 'nurture.yaml'), `${SEGMENTS}sendTime: { optimize: true }\n`);
  return { off, on, cleanup: () => [off, on].forEach((dir) => rmSync(dir, { recursive: true, force: true })) };
}

export async function benchLearning(leads: number, repeats = 3): Promise<void> {
  const { off, on, cleanup } = learningWorkspaces();
  const files = mkdtempSync(join(tmpdir(), 'nurture-bench-learning-db-'));
  const pristine = join(files, 'pristine.db');
  const work = join(files, 'work.db');
  try {
    const clock = new TestClock(AT);
    let floorSeconds: number;
    {
      const app = openApp({ workspaceDir: off, env: { NURTURE_SECRET: 'bench' }, clock, dbPath: pristine });
      generate(app.conn.sqlite, leads);
      floorSeconds = floor(app.conn.sqlite);
      app.conn.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      app.close();
    }
    const threaded = (await spareCores()) > 0;
    const runs: Record<'off' | 'on', number[]> = { off: [], on: [] };
    // CPU time of the process (every thread: the planner thread's too), beside wall time: on a
    // machine shared with other work the wall time also counts the others.
    const cpu: Record<'off' | 'on', number[]> = { off: [], on: [] };
    const planned: Record<'off' | 'on', number> = { off: 0, on: 0 };
    for (let r = 0; r < repeats; r++) {
      for (const mode of ['off', 'on'] as const) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${work}${suffix}`, { force: true });
        copyFileSync(pristine, work);
        const app = openApp({ workspaceDir: mode === 'on' ? on : off, env: { NURTURE_SECRET: 'bench' }, clock, dbPath: work });
        try {
          const start = process.hrtime.bigint();
          const used = process.cpuUsage();
          const report = await runOnce(runDeps(app), { at: AT, planThread: threaded });
          runs[mode].push(seconds(start));
          const { user, system } = process.cpuUsage(used);
          cpu[mode].push((user + system) / 1e6);
          planned[mode] = report.counts.planned ?? 0;
        } finally {
          app.close();
        }
      }
    }
    const list = (xs: number[]) => xs.map((x) => `${x.toFixed(2)} s`).join(', ');
    const pairs = runs.on.map((x, i) => x / runs.off[i]!);
    const ratio = median(pairs);
    const cpuPairs = cpu.on.map((x, i) => x / cpu.off[i]!);
    console.log(
      `leads: ${leads.toLocaleString('en-US')}, 30 sequences; on: send-time optimisation (segments emea, software) and one experiment per sequence (15 tests, 15 bandits); planner thread: ${threaded ? 'yes' : 'no'}`,
    );
    console.log(`floor (raw scan + ${(2 * leads).toLocaleString('en-US')} inserts): ${floorSeconds.toFixed(2)} s`);
    console.log(`planning run, both off: ${list(runs.off)} (cpu ${list(cpu.off)}; ${planned.off.toLocaleString('en-US')} planned)`);
    console.log(`planning run, both on:  ${list(runs.on)} (cpu ${list(cpu.on)}; ${planned.on.toLocaleString('en-US')} planned)`);
    console.log(`  on/off pairwise: ${pairs.map((x) => `${x.toFixed(2)}×`).join(', ')}; median ${ratio.toFixed(2)}×`);
    console.log(`  on/off in cpu time, pairwise: ${cpuPairs.map((x) => `${x.toFixed(2)}×`).join(', ')}; median ${median(cpuPairs).toFixed(2)}×`);
    console.log(`target (issue 15): both on ≤ 1.2× both off ${ratio <= 1.2 ? 'met' : 'not met'}`);
  } finally {
    cleanup();
    rmSync(files, { recursive: true, force: true });
  }
}
