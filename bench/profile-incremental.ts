/** Where an incremental rerun's time goes: BENCH_PLANNING_LEADS leads, a first run, 1% changed, a rerun under --cpu-prof. */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { runOnce } from '../src/run/run.js';
import { TestClock } from '../src/time/clock.js';
import { AT, generate, writeSequences } from './planning.js';
import { benchWorkspace } from './workspace.js';

const LEADS = Number(process.env.BENCH_PLANNING_LEADS ?? 200_000);
const dir = benchWorkspace('nurture-profile-incremental');
writeSequences(resolve(import.meta.dirname, '..'), dir);
const clock = new TestClock(AT);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
generate(app.conn.sqlite, LEADS);
await runOnce(runDeps(app), { at: AT, planThread: false });
const insert = app.conn.sqlite.prepare(`INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, 'page_viewed', ?, '/pricing', ?, 0)`);
app.conn.sqlite.transaction(() => {
  for (let id = 7; id <= LEADS; id += 100) insert.run(id, AT + 1_800_000, `n${id}`);
})();
const { Session } = await import('node:inspector/promises');
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const start = process.hrtime.bigint();
const r = await runOnce(runDeps(app), { at: AT + 3_600_000 });
const { profile } = await session.post('Profiler.stop');
const self = new Map<string, number>();
const dt = profile.timeDeltas ?? [];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
(profile.samples ?? []).forEach((id, i) => {
  const n = byId.get(id)!;
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const total = new Map<string, number>();
(profile.samples ?? []).forEach((id, i) => {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + (dt[i] ?? 0));
  }
});
console.log([...total].filter(([k]) => k.includes('.ts')).sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${(v / 1000).toFixed(0)} ms incl ${k}`).join('\n'));
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)} ms ${k}`).join('\n'));
console.log(`rerun ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s`, r.counts);
app.close();
rmSync(dir, { recursive: true, force: true });
