/**
 * Profiling aid: `npx tsx bench/profile-planning.ts` times one planning run and an hourly rerun
 * over BENCH_LEADS generated leads (100,000), with wall and CPU time. THREAD=0 plans without the
 * planner thread, THREAD=1 with it (default: as the run decides); PROFILE=1 writes a CPU profile
 * of the main thread during the first run to /tmp/planning.cpuprofile.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { runOnce } from '../src/run/run.js';
import { TestClock } from '../src/time/clock.js';
import { AT, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const leads = Number(process.env.BENCH_LEADS ?? 100_000);
const planThread = process.env.THREAD === undefined ? undefined : process.env.THREAD !== '0';
const dir = benchWorkspace('nurture-prof');
writeSequences(resolve(import.meta.dirname, '..'), dir);
const clock = new TestClock(AT);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
generate(app.conn.sqlite, leads);
const deps = runDeps(app);

async function timed(label: string, at: number, profile: boolean): Promise<void> {
  const session = new Session();
  if (profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await runOnce(deps, { at, ...(planThread === undefined ? {} : { planThread }) });
  const { user, system } = process.cpuUsage(cpu);
  // CPU time beside wall time: on a shared machine the wall time also counts other processes.
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s (cpu, all threads: ${((user + system) / 1e6).toFixed(2)} s)`);
  if (profile) {
    writeFileSync('/tmp/planning.cpuprofile', JSON.stringify((await session.post('Profiler.stop')).profile));
    session.disconnect();
  }
}

await timed('first run', AT, process.env.PROFILE === '1');
await timed('hourly rerun', AT + 3_600_000, false);
app.close();
rmSync(dir, { recursive: true, force: true });
