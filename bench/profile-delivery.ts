/**
 * Profiling aid: `npx tsx bench/profile-delivery.ts` sends BENCH_MESSAGES (3,000) planned touches
 * to the benchmark's SMTP sink and writes a CPU profile of the run to /tmp/delivery.cpuprofile,
 * then prints the functions with the most self time.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { runDeps } from '../src/app.js';
import { runOnce } from '../src/run/run.js';
import { plannedWorkspace, startSink } from './delivery.js';

const AT = Date.parse('2026-11-24T15:00:00Z');
const messages = Number(process.env.BENCH_MESSAGES ?? 3000);
const sink = await startSink();
try {
  const { app, close } = await plannedWorkspace(sink, messages);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const cpu = process.cpuUsage();
  const report = await runOnce(runDeps(app), { at: AT });
  const used = process.cpuUsage(cpu);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync('/tmp/delivery.cpuprofile', JSON.stringify(profile));
  console.log(`${report.sent.length} sent; CPU ${((used.user + used.system) / 1000 / report.sent.length).toFixed(3)} ms per message`);
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  profile.timeDeltas?.forEach((d, i) => dt.set(profile.samples![i]!, (dt.get(profile.samples![i]!) ?? 0) + d));
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000 / report.sent.length).toFixed(4)} ms/msg  ${key}`);
  close();
} finally {
  await sink.close();
}
