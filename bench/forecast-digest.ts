/** Check aid: a digest of the whole forecast JSON, to compare before and after a refactor. */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { openApp } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { AT, generate } from './forecast.js';
import { benchWorkspace } from './workspace.js';

const leads = Number(process.env.BENCH_LEADS ?? 5_000);
const dir = benchWorkspace('nurture-digest');
const clock = new TestClock(AT);
const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
generate(app, leads);
await runOnce({ conn: app.conn, workspace: app.workspace, renderer: app.renderer, mailer: app.mailer(), clock, secret: app.secret }, { at: AT });
for (const days of [90, 200]) {
  const result = forecast(app.conn, app.workspace, { from: AT + 3_600_000, to: AT + days * DAY_MS });
  console.log(days, result.items.length, createHash('sha256').update(JSON.stringify(result)).digest('hex'));
}
app.close();
rmSync(dir, { recursive: true, force: true });
