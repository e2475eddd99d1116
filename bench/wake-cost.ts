/** What the wake computation adds to planning: advanceLead alone vs advanceLead + wakeAt over the generated base (SPLIT=1: the stage scan and window edges timed apart). */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApp } from '../src/app.js';
import { advanceLead } from '../src/domain/lead-plan.js';
import { leadBatches, planContext, storesFor } from '../src/run/context.js';
import { wakeAt } from '../src/run/wake.js';
import { TestClock } from '../src/time/clock.js';
import { AT, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const LEADS = Number(process.env.BENCH_PLANNING_LEADS ?? 100_000);
const dir = benchWorkspace('nurture-wake-cost');
writeSequences(resolve(import.meta.dirname, '..'), dir);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
generate(app.conn.sqlite, LEADS);
const ctx = planContext(app.workspace);
const { nextStageChange, memoScore } = await import('../src/run/stage-change.js');
const { nextWindowEdge } = await import('../src/domain/conditions/edges.js');
let stageNs = 0;
let edgeNs = 0;
let plan = 0;
let wake = 0;
for (const batch of leadBatches(storesFor(app.conn), 1000)) {
  for (const lead of batch) {
    const t0 = process.hrtime.bigint();
    const { outcome, score } = advanceLead(ctx, lead.state, AT);
    const t1 = process.hrtime.bigint();
    wakeAt(ctx, lead.state, outcome, AT, score.score);
    const t2 = process.hrtime.bigint();
    if (process.env.SPLIT) {
      const a = process.hrtime.bigint();
      nextStageChange(ctx, lead.state, memoScore(ctx, lead.state), AT, AT + 7 * 86_400_000);
      const b = process.hrtime.bigint();
      nextWindowEdge(ctx.sequences, lead.state.events, AT);
      const c = process.hrtime.bigint();
      stageNs += Number(b - a);
      edgeNs += Number(c - b);
    }
    plan += Number(t1 - t0);
    wake += Number(t2 - t1);
  }
}
if (process.env.SPLIT) console.log(`stage scan ${(stageNs / 1e9).toFixed(2)} s, window edges ${(edgeNs / 1e9).toFixed(2)} s`);
console.log(`${LEADS} leads: advanceLead ${(plan / 1e9).toFixed(2)} s, wakeAt ${(wake / 1e9).toFixed(2)} s (${((100 * wake) / plan).toFixed(0)}% more)`);
app.close();
rmSync(dir, { recursive: true, force: true });
