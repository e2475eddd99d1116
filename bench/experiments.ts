/**
 * Experiments at scale: the planning pass of planning.ts (1,000,000 leads, 30 sequences) without
 * experiments and with one experiment on the first step of every sequence (half tests, half
 * bandits), each on its own freshly generated database, then the pure planner over the same
 * loaded batches with and without, alternated to even out a shared machine. The issue's target
 * is ≤ 1.2× together with send-time optimisation; this section reports the experiments' share.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { advanceLead } from '../src/domain/lead-plan.js';
import { leadBatches, planContext, storesFor } from '../src/run/context.js';
import { withAllocations } from '../src/run/experiment-state.js';
import { runOnce } from '../src/run/run.js';
import { spareCores } from '../src/run/threads.js';
import { TestClock } from '../src/time/clock.js';
import { AT, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

/** The first step of every generated sequence gets two variants (a subject line under test). */
export function addExperiments(dir: string): void {
  const folder = join(dir, 'sequences');
  for (const file of readdirSync(folder).filter((f) => f.startsWith('bench-'))) {
    const i = Number(/bench-(\d+)/.exec(file)?.[1] ?? 0);
    const path = join(folder, file);
    const text = readFileSync(path, 'utf8').replace(
      /( {2}- \{ id: s0, [^}]*)\}/,
      `$1, variants: [{ id: a }, { id: b, subject: "A shorter subject" }], experiment: { mode: ${i % 2 === 0 ? 'test' : 'bandit'} } }`,
    );
    writeFileSync(path, text);
  }
}

async function planningRun(leads: number, experiments: boolean): Promise<{ seconds: number; planned: number; planner?: { with: number; without: number } }> {
  const root = resolve(import.meta.dirname, '..');
  const dir = benchWorkspace(experiments ? 'nurture-bench-exp' : 'nurture-bench-noexp');
  writeSequences(root, dir);
  if (experiments) addExperiments(dir);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
  try {
    generate(app.conn.sqlite, leads);
    const threaded = (await spareCores()) > 0;
    const start = process.hrtime.bigint();
    const report = await runOnce(runDeps(app), { at: AT, planThread: threaded });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, planned: report.counts.planned ?? 0, ...(experiments ? { planner: plannerPasses(app) } : {}) };
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * advanceLead over every lead after the run (the hourly rerun's planning) on the same loaded
 * batches, with the experiments and with them stripped from the steps, alternating three times:
 * the best of each.
 */
function plannerPasses(app: ReturnType<typeof openApp>): { with: number; without: number } {
  const withExp = planContext(withAllocations(app.conn.sqlite, app.workspace, AT));
  const stripped = app.workspace.sequences.map((s) => ({ ...s, steps: s.steps.map(({ variants: _v, experiment: _e, ...step }) => step) }));
  const without = planContext({ ...app.workspace, sequences: stripped });
  const best = { with: Infinity, without: Infinity };
  for (let pass = 0; pass < 3; pass++) {
    for (const [name, ctx] of [['without', without], ['with', withExp]] as const) {
      let seconds = 0;
      for (const batch of leadBatches(storesFor(app.conn), 1000)) {
        const start = process.hrtime.bigint();
        for (const lead of batch) advanceLead(ctx, structuredClone(lead.state), AT);
        seconds += Number(process.hrtime.bigint() - start) / 1e9;
      }
      best[name] = Math.min(best[name], seconds);
    }
  }
  return best;
}

export async function benchExperiments(leads: number): Promise<void> {
  const without = await planningRun(leads, false);
  const withExp = await planningRun(leads, true);
  const runRatio = withExp.seconds / without.seconds;
  const planner = withExp.planner!;
  const plannerRatio = planner.with / planner.without;
  console.log(`leads: ${leads.toLocaleString('en-US')}, 30 sequences; with: one experiment on the first step of each (15 tests, 15 bandits)`);
  console.log(`planning run without experiments: ${without.seconds.toFixed(2)} s (${without.planned} planned)`);
  console.log(`planning run with experiments:    ${withExp.seconds.toFixed(2)} s (${withExp.planned} planned), ${runRatio.toFixed(2)}× without`);
  console.log(
    `pure planner (rerun, same batches, alternating), best of 3: without ${planner.without.toFixed(2)} s, with ${planner.with.toFixed(2)} s, ${plannerRatio.toFixed(2)}× without`,
  );
  console.log(`target (issue 15, together with send-time): ≤ 1.2× — experiments' share: run ${runRatio.toFixed(2)}×, planner ${plannerRatio.toFixed(2)}×`);
}
