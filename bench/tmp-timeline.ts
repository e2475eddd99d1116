import { runDeps } from '../src/app.js';
import { runOnce } from '../src/run/run.js';
import { plannedWorkspace, startSink } from './delivery.js';
const AT = Date.parse('2026-11-24T15:00:00Z');
const sink = await startSink();
for (let r = 0; r < 4; r++) {
  const { app, close } = await plannedWorkspace(sink, 3000);
  const deps = runDeps(app);
  const deliver = deps.mailer.deliver.bind(deps.mailer);
  let first = 0, answered = 0;
  const t0 = performance.now();
  deps.mailer = { describe: deps.mailer.describe, close: deps.mailer.close, deliver: async (m) => { if (!first) first = performance.now() - t0; const res = await deliver(m); if (!answered) answered = performance.now() - t0; return res; } };
  await runOnce(deps, { at: AT });
  console.log(`total ${Math.round(performance.now() - t0)} ms, first claim at ${Math.round(first)} ms, first answer at ${Math.round(answered)} ms`);
  close();
}
await sink.close();
