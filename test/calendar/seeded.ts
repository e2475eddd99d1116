import { openApp, type App } from '../../src/app.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** A Monday morning before the first send window opens anywhere in the example data. */
export const DAY0 = Date.parse('2026-11-23T06:00:00Z');

/** A copy of the example workspace with its leads and events imported, and a clock at DAY0. */
export async function seededWorkspace() {
  const ws = tempWorkspace();
  const clock = new TestClock(DAY0);
  const cli = cliIn(ws.dir, clock);
  for (const [kind, file] of [['leads', 'examples/leads.csv'], ['events', 'examples/events.csv']] as const) {
    const result = await cli(kind, 'import', file);
    if (result.status !== 0) throw new Error(`${kind} import failed: ${result.stderr}`);
  }
  const open = (): App => openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test-secret' }, clock });
  return { ...ws, clock, cli, open };
}
