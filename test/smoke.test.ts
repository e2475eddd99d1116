import { afterEach, describe, expect, it } from 'vitest';
import { cliIn, TestClock, tempWorkspace } from './helpers/workspace.js';

describe('the example workspace', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('lints clean and covers all four forces in every sequence', async () => {
    const ws = tempWorkspace();
    cleanup = ws.cleanup;
    const cli = cliIn(ws.dir, new TestClock(Date.parse('2026-11-23T12:00:00Z')));
    const result = await cli('lint', '--json');
    expect(result.status).toBe(0);
    const body = JSON.parse(result.stdout) as {
      coverage: { sequence: string; forces: Record<string, number> }[];
      warnings: unknown[];
    };
    expect(body.warnings).toEqual([]);
    for (const c of body.coverage) {
      expect(Object.values(c.forces).every((n) => n > 0)).toBe(true);
    }
  });
});
