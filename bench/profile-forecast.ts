/** Profiling aid: `node --cpu-prof --import tsx bench/profile-forecast.ts` runs only the forecast part. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApp } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { AT, generate } from './forecast.js';

const leads = Number(process.env.BENCH_LEADS ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'nurture-prof-'));
const root = resolve(import.meta.dirname, '..');
cpSync(join(root, 'nurture.yaml'), join(dir, 'nurture.yaml'));
for (const f of ['sequences', 'templates']) cpSync(join(root, f), join(dir, f), { recursive: true });
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
