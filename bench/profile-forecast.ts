/**
 * Profiling aid: `node --cpu-prof --import tsx bench/profile-forecast.ts` runs only the forecast
 * part, first in this thread (what the profile shows), then as `nurture calendar` runs it, in
 * worker threads. Each prints wall and CPU time: on a shared machine the wall time also counts
 * other processes, the CPU time (of every thread) does not.
 */
import { rmSync } from 'node:fs';
import { openApp, runDeps } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { forecastInThreads, threadsFor } from '../src/run/forecast-threads.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { AT, generate, timed } from './forecast.js';
import { benchWorkspace } from './workspace.js';

const leads = Number(process.env.BENCH_LEADS ?? 20_000);
const dir = benchWorkspace('nurture-prof');
const clock = new TestClock(AT);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
generate(app, leads);
await runOnce(runDeps(app), { at: AT });
const window = { from: AT, to: AT + 90 * DAY_MS };
const show = (label: string, r: { value: { items: unknown[] }; wall: number; cpu: number }) =>
  console.log(`${label}: ${leads} leads, ${r.value.items.length} touches, ${r.wall.toFixed(2)} s (cpu ${r.cpu.toFixed(2)} s)`);
show('one thread', await timed(() => forecast(app.conn, app.workspace, window)));
const threads = await threadsFor(app.conn);
show(`this thread and ${threads.workers} workers`, await timed(() => forecastInThreads(app.conn, app.workspace, window, threads)));
app.close();
rmSync(dir, { recursive: true, force: true });
