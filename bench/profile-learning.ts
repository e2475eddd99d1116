/**
 * Profiling aid for issue 15's benchmark: `npx tsx bench/profile-learning.ts` generates
 * BENCH_LEADS leads (100,000), then times (CPU) the once-per-run set-up and the pure planner
 * (advanceLead over loaded batches) with send-time optimisation and experiments both off and both
 * on (learning.ts's workspaces), alternated; PROFILE=1 writes a CPU profile of one pass each to
 * /tmp/learning-off.cpuprofile and /tmp/learning-on.cpuprofile.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { openApp } from '../src/app.js';
import { advanceLead } from '../src/domain/lead-plan.js';
import { withAllocations } from '../src/run/experiment-state.js';
import { leadBatches, planContext, storesFor } from '../src/run/context.js';
import { TestClock } from '../src/time/clock.js';
import { loadWorkspace } from '../src/workspace/load.js';
import { learningWorkspaces } from './learning.js';
import { AT, generate } from './planning.js';

const leads = Number(process.env.BENCH_LEADS ?? 100_000);
const { off, on, cleanup } = learningWorkspaces();
const app = openApp({ workspaceDir: off, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
generate(app.conn.sqlite, leads);
const loaded = [...leadBatches(storesFor(app.conn), 1000)];

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** The once-per-run set-up (experiment states, send-time counts) and the planner over every lead, in CPU seconds. */
function pass(dir: string): { setup: number; planner: number } {
  const workspace = loadWorkspace(dir);
  const before = process.cpuUsage();
  const ctx = planContext(withAllocations(app.conn.sqlite, workspace, AT), app.conn.sqlite);
  const setup = cpuSeconds(before);
  const start = process.cpuUsage();
  for (const batch of loaded) for (const lead of batch) advanceLead(ctx, structuredClone(lead.state), AT);
  return { setup, planner: cpuSeconds(start) };
}

for (let r = 0; r < 3; r++)
  for (const [name, dir] of [['off', off], ['on', on]] as const) {
    const t = pass(dir);
    console.log(`${name}: set-up ${t.setup.toFixed(2)} s, planner ${t.planner.toFixed(2)} s (cpu)`);
  }
if (process.env.PROFILE === '1') {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  for (const [name, dir] of [['off', off], ['on', on]] as const) {
    await session.post('Profiler.start');
    pass(dir);
    writeFileSync(`/tmp/learning-${name}.cpuprofile`, JSON.stringify((await session.post('Profiler.stop')).profile));
  }
  session.disconnect();
}
app.close();
cleanup();
