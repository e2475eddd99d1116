/**
 * Send-time optimisation at scale (issue 15's benchmark): the planning run of planning.ts over
 * the same generated base (1,000,000 leads, 30 sequences, a fifth of them with a click to learn
 * from), with `sendTime: { optimize: true }` and without, each a first run on its own copy of the
 * same database, alternated and repeated to show the spread, against the same floor. Then the
 * pure planner alone (advanceLead over loaded batches), on and off, and the once-per-run read of
 * the workspace's and domains' counts.
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { readSendTimeCounts } from '../src/db/send-time-counts.js';
import { advanceLead } from '../src/domain/lead-plan.js';
import { leadBatches, planContext, storesFor } from '../src/run/context.js';
import { runOnce } from '../src/run/run.js';
import { spareCores } from '../src/run/threads.js';
import { TestClock } from '../src/time/clock.js';
import { ZoneDays } from '../src/time/zone-days.js';
import { AT, floor, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export async function benchSendTime(LEADS: number, repeats = 2): Promise<void> {
  const root = resolve(import.meta.dirname, '..');
  const off = benchWorkspace('nurture-bench-send-time-off');
  writeSequences(root, off);
  const on = benchWorkspace('nurture-bench-send-time-on');
  writeSequences(root, on);
  appendFileSync(join(on, 'nurture.yaml'), '\nsendTime: { optimize: true }\n');
  const files = mkdtempSync(join(tmpdir(), 'nurture-bench-send-time-db-'));
  const pristine = join(files, 'pristine.db');
  const work = join(files, 'work.db');
  try {
    const clock = new TestClock(AT);
    let floorSeconds: number;
    {
      const app = openApp({ workspaceDir: off, env: { NURTURE_SECRET: 'bench' }, clock, dbPath: pristine });
      generate(app.conn.sqlite, LEADS);
      floorSeconds = floor(app.conn.sqlite);
      app.conn.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      app.close();
    }
    const threaded = (await spareCores()) > 0;
    const runs: Record<'off' | 'on', number[]> = { off: [], on: [] };
    const planners: Record<'off' | 'on', number[]> = { off: [], on: [] };
    let countsSeconds = 0;
    let planned = 0;
    for (let r = 0; r < repeats; r++) {
      for (const mode of ['off', 'on'] as const) {
        rmSync(work, { force: true });
        rmSync(`${work}-wal`, { force: true });
        rmSync(`${work}-shm`, { force: true });
        copyFileSync(pristine, work);
        const app = openApp({ workspaceDir: mode === 'on' ? on : off, env: { NURTURE_SECRET: 'bench' }, clock, dbPath: work });
        try {
          const start = process.hrtime.bigint();
          const report = await runOnce(runDeps(app), { at: AT, planThread: threaded });
          runs[mode].push(seconds(start));
          planned = report.counts.planned ?? 0;
          planners[mode].push(plannerOnly(app));
          if (mode === 'on' && r === 0) {
            const t = process.hrtime.bigint();
            readSendTimeCounts(app.conn.sqlite, new ZoneDays(), app.workspace.policy.defaultZone);
            countsSeconds = seconds(t);
          }
        } finally {
          app.close();
        }
      }
    }
    const best = (xs: number[]) => Math.min(...xs);
    const list = (xs: number[]) => xs.map((x) => `${x.toFixed(2)} s`).join(', ');
    const ratio = best(runs.on) / best(runs.off);
    const plannerRatio = best(planners.on) / best(planners.off);
    const spread = runs.on.map((x, i) => x / runs.off[i]!);
    console.log(`leads: ${LEADS.toLocaleString('en-US')}, 30 sequences, ${planned.toLocaleString('en-US')} touches planned per run (planner thread: ${threaded ? 'yes' : 'no'})`);
    console.log(`floor (raw scan + ${(2 * LEADS).toLocaleString('en-US')} inserts): ${floorSeconds.toFixed(2)} s`);
    console.log(`planning run without send-time: ${list(runs.off)} (best ${(best(runs.off) / floorSeconds).toFixed(2)}× floor)`);
    console.log(`planning run with send-time:    ${list(runs.on)} (best ${(best(runs.on) / floorSeconds).toFixed(2)}× floor)`);
    console.log(`  on/off: ${ratio.toFixed(2)}× (best against best; pairwise ${spread.map((x) => `${x.toFixed(2)}×`).join(', ')})`);
    console.log(`pure planner without: ${list(planners.off)}; with: ${list(planners.on)}: ${plannerRatio.toFixed(2)}×`);
    console.log(`  counts read once per run (workspace and domains): ${countsSeconds.toFixed(2)} s`);
    console.log(`targets: with send-time ≤ 1.2× without ${ratio <= 1.2 ? 'met' : 'not met'}`);
  } finally {
    rmSync(off, { recursive: true, force: true });
    rmSync(on, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  }
}

/** advanceLead over every lead (loaded first, batch by batch) as of AT, timed on its own. */
function plannerOnly(app: ReturnType<typeof openApp>): number {
  const ctx = planContext(app.workspace, app.conn.sqlite);
  let total = 0;
  for (const batch of leadBatches(storesFor(app.conn), 1000)) {
    const start = process.hrtime.bigint();
    for (const lead of batch) advanceLead(ctx, lead.state, AT + 3_600_000);
    total += seconds(start);
  }
  return total;
}
