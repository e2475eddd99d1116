/**
 * Profiling aid: `npx tsx bench/profile-planning.ts` times one planning run (and an hourly rerun)
 * over BENCH_LEADS generated leads and writes a CPU profile of the first run to /tmp.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { openApp } from '../src/app.js';
import { runOnce } from '../src/run/run.js';
import { TestClock } from '../src/time/clock.js';
import { AT, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const leads = Number(process.env.BENCH_LEADS ?? 100_000);
const dir = benchWorkspace('nurture-prof');
writeSequences(resolve(import.meta.dirname, '..'), dir);
const clock = new TestClock(AT);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
generate(app.conn.sqlite, leads);
const deps = { conn: app.conn, workspace: app.workspace, renderer: app.renderer, mailer: app.mailer(), clock, secret: app.secret };
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
let start = process.hrtime.bigint();
const cpu = process.cpuUsage();
await runOnce(deps, { at: AT, batchSize: Number(process.env.BATCH ?? 1000), planThread: process.env.THREAD !== '0' });
const used = process.cpuUsage(cpu);
// CPU time beside wall time: on a shared machine the wall time also counts other processes.
console.log(`first run: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s (cpu ${((used.user + used.system) / 1e6).toFixed(2)} s)`);
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/planning.cpuprofile', JSON.stringify(profile));
start = process.hrtime.bigint();
await runOnce(deps, { at: AT + 3_600_000 });
console.log(`hourly rerun: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s`);
app.close();
rmSync(dir, { recursive: true, force: true });
