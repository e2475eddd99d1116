import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../src/workspace/load.js';
import { lintWorkspace } from '../../src/workspace/lint.js';
import { DAY } from '../domain/fixtures.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** The cadence settings of nurture.yaml and sequences: defaults, validation with file:line, lint, and the CLI. */

let cleanup = () => {};
afterEach(() => cleanup());

function workspaceWith(edit: (dir: string) => void): string {
  const ws = tempWorkspace();
  cleanup = ws.cleanup;
  edit(ws.dir);
  return ws.dir;
}
const replaceIn = (dir: string, file: string, from: string | RegExp, to: string) =>
  writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(from, to));

describe('cadence settings', () => {
  it('the example workspace spells out the documented defaults', () => {
    const ws = loadWorkspace(workspaceWith(() => {}));
    const { salesCycles, cadence, seasons } = ws.policy;
    expect(salesCycles.map((t) => [t.upTo, t.waitScale, t.caps.map((c) => `${c.max}/${c.per}`), t.minGapMs / DAY])).toEqual([
      ['P30D', 0.75, [], 0],
      ['P90D', 1, [], 0],
      ['P180D', 1.5, ['2/P7D'], 2],
      [null, 2, ['1/P7D', '3/P30D'], 4],
    ]);
    expect(cadence).toEqual({
      hot: { stages: ['desire', 'action'], withinMs: 7 * DAY, urlContains: ['/pricing'], waitScale: 0.5 },
      unopened: { slowAfter: 3, waitScale: 2, sunsetAfter: 6 },
      recycle: { sequence: 'recycle', coolDownMs: 30 * DAY },
    });
    expect(seasons.map((s) => s.id)).toEqual(['year-end-quiet', 'budget-season']);
    expect(ws.sequences.find((s) => s.id === 'evaluators')?.salesCycle).toBe('P2M');
  });

  it('leaving the keys out gives the same defaults', () => {
    const dir = workspaceWith((d) => {
      const text = readFileSync(join(d, 'nurture.yaml'), 'utf8');
      writeFileSync(join(d, 'nurture.yaml'), text.replace(/\n# Pacing[\s\S]*?coolDown: P30D \}[^\n]*\n/, '\n'));
    });
    const ws = loadWorkspace(dir);
    expect(ws.policy.seasons).toEqual([]);
    expect(ws.policy.salesCycles.map((t) => t.waitScale)).toEqual([0.75, 1, 1.5, 2]);
    expect(ws.policy.cadence.unopened).toEqual({ slowAfter: 3, waitScale: 2, sunsetAfter: 6 });
  });

  it('accepts business-day waits and rejects bad recurrences and tier orders with file:line', () => {
    const dir = workspaceWith((d) => {
      replaceIn(d, 'sequences/new-signups.yaml', 'wait: P3D }', 'wait: 2 business days }');
      replaceIn(d, 'nurture.yaml', 'FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1', 'FREQ=SOMETIMES');
      replaceIn(d, 'nurture.yaml', '{ upTo: P90D, waitScale: 1 }', '{ upTo: P10D, waitScale: 1 }');
    });
    expect(() => loadWorkspace(dir)).toThrow(/nurture\.yaml:\d+: seasons\[1\]\.rrule: "FREQ=SOMETIMES" is not a recurrence/);
    expect(() => loadWorkspace(dir)).toThrow(/nurture\.yaml:\d+: salesCycles\[1\]\.upTo: tiers must be in ascending upTo order/);
  });

  it('lint warns about a season that does not exist', () => {
    const dir = workspaceWith((d) => replaceIn(d, 'sequences/recycle.yaml', 'priority: 1\n', 'priority: 1\nseason: never\n'));
    const { warnings } = lintWorkspace(loadWorkspace(dir));
    expect(warnings).toContainEqual({
      file: 'sequences/recycle.yaml',
      message:
        'season "never" is not defined in nurture.yaml seasons (known: year-end-quiet, budget-season): the sequence is not limited',
    });
  });
});

describe('from the CLI on the example workspace', () => {
  it('calendar --json shows the rule behind every touch, including the cadence ones', async () => {
    const dir = workspaceWith(() => {});
    const clock = new TestClock(Date.parse('2026-11-23T12:00:00Z'));
    const cli = cliIn(dir, clock);
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv')).status).toBe(0);
    expect((await cli('run')).status).toBe(0);
    const calendar = await cli('calendar', '--json', '--days', '14');
    const items = JSON.parse(calendar.stdout).items as { reason: string; rules: { rule: string }[] }[];
    expect(items.length).toBeGreaterThan(50);
    for (const item of items) expect(item.rules.length).toBeGreaterThan(0);
    const rules = new Set(items.flatMap((i) => i.rules.map((r) => r.rule)));
    expect(rules).toContain('cadence');
    expect(rules).toContain('send-window');
  });
});
