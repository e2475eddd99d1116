/** Check aid: a digest of the whole forecast JSON, to compare before and after a refactor. */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApp } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { AT, generate } from './forecast.js';

const leads = Number(process.env.BENCH_LEADS ?? 5_000);
const dir = mkdtempSync(join(tmpdir(), 'nurture-digest-'));
const root = resolve(import.meta.dirname, '..');
cpSync(join(root, 'nurture.yaml'), join(dir, 'nurture.yaml'));
for (const f of ['sequences', 'templates']) cpSync(join(root, f), join(dir, f), { recursive: true });
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
