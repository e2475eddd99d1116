/**
 * Profiling aid: `node --cpu-prof --import tsx bench/profile-forecast.ts` runs only the forecast
 * part, first in this thread (what the profile shows), then as `nurture calendar` runs it, in
 * worker threads. Each prints wall and CPU time: on a shared machine the wall time also counts
 * other processes, the CPU time (of every thread) does not.
 */
import { forecast } from '../src/run/forecast.js';
import { forecastInThreads, threadsFor } from '../src/run/forecast-threads.js';
import { DAY_MS } from '../src/time/clock.js';
import { AT, plannedBase, timed } from './forecast.js';

const leads = Number(process.env.BENCH_LEADS ?? 20_000);
const { app, close } = await plannedBase('nurture-prof', leads);
const window = { from: AT, to: AT + 90 * DAY_MS };
const show = (label: string, r: { value: { items: unknown[] }; wall: number; cpu: number }) =>
  console.log(`${label}: ${leads} leads, ${r.value.items.length} touches, ${r.wall.toFixed(2)} s (cpu ${r.cpu.toFixed(2)} s)`);
show('one thread', await timed(() => forecast(app.conn, app.workspace, window)));
const threads = await threadsFor(app.conn);
show(`this thread and ${threads.workers} workers`, await timed(() => forecastInThreads(app.conn, app.workspace, window, threads)));
close();
