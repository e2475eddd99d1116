/** Profiling aid: `node --cpu-prof --import tsx bench/profile-forecast.ts` runs only the forecast part. */
import { rmSync } from 'node:fs';
import { openApp } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { AT, generate } from './forecast.js';
import { benchWorkspace } from './workspace.js';

const leads = Number(process.env.BENCH_LEADS ?? 20_000);
const dir = benchWorkspace('nurture-prof');
const clock = new TestClock(AT);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
generate(app, leads);
await runOnce({ conn: app.conn, workspace: app.workspace, renderer: app.renderer, mailer: app.mailer(), clock, secret: app.secret }, { at: AT });
const start = process.hrtime.bigint();
const cpu = process.cpuUsage();
const result = forecast(app.conn, app.workspace, { from: AT, to: AT + 90 * DAY_MS });
const { user, system } = process.cpuUsage(cpu);
// CPU time beside wall time: on a shared machine the wall time also counts other processes.
console.log(
  `${leads} leads, ${result.items.length} touches, ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s (cpu ${((user + system) / 1e6).toFixed(2)} s)`,
);
app.close();
rmSync(dir, { recursive: true, force: true });
