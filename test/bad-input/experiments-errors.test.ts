import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace } from './support.js';

/** Variants and experiments in a sequence file: every mistake named by file, line and field. */
const PAIN = '  - { id: pain,     force: push,    template: push-messy-data,           wait: P0D }';

function withPain(step: string[]) {
  return (ws: ReturnType<typeof badInputWorkspace>) => ws.edit('sequences/new-signups.yaml', PAIN, step.join('\n'));
}

const CASES: { name: string; step: string[]; expected: string[] }[] = [
  {
    name: 'a single variant',
    step: ['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    variants: [{ id: a }]'],
    expected: ['sequences/new-signups.yaml:12: steps[0].variants: an experiment needs at least two variants'],
  },
  {
    name: 'a variant id given twice, and a weight of zero',
    step: ['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    variants:', '      - { id: a }', '      - { id: a, weight: 0 }'],
    expected: [
      'sequences/new-signups.yaml:14: steps[0].variants[1].weight: expected a positive weight, e.g. 1',
    ],
  },
  {
    name: 'a variant template that does not exist and a metric that names no goal',
    step: [
      '  - id: pain',
      '    force: push',
      '    template: push-messy-data',
      '    wait: P0D',
      '    variants: [{ id: a }, { id: b, template: push-messy-dat }]',
      '    experiment: { mode: test, metric: "goal:demo" }',
    ],
    expected: [
      'sequences/new-signups.yaml:12: steps[0].variants[1].template: template "push-messy-dat" not found (expected templates/push-messy-dat.hbs)',
      'sequences/new-signups.yaml:13: steps[0].experiment.metric: goal "demo" not found (goals in nurture.yaml: none)',
    ],
  },
  {
    name: 'a metric that is not one, an alpha out of range, an unknown guardrail',
    step: [
      '  - id: pain',
      '    force: push',
      '    template: push-messy-data',
      '    wait: P0D',
      '    variants: [{ id: a }, { id: b, subject: Shorter }]',
      '    experiment:',
      '      metric: clicks',
      '      alpha: 0.9',
      '      guardrails: [bounces]',
    ],
    expected: [
      'sequences/new-signups.yaml:14: steps[0].experiment.metric: "clicks" is not a metric (expected click, open or goal:<id>, e.g. goal:meeting)',
      'sequences/new-signups.yaml:15: steps[0].experiment.alpha: expected an error rate between 0 and 0.5, e.g. 0.05',
      'sequences/new-signups.yaml:16: steps[0].experiment.guardrails[0]: "bounces" is not one of unsubscribe, complaint',
    ],
  },
  {
    name: 'an experiment without variants',
    step: ['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    experiment: { mode: bandit }'],
    expected: ['sequences/new-signups.yaml:12: steps[0].experiment: an experiment needs variants on the step (variants: [{ id: a }, { id: b, subject: ... }])'],
  },
];

describe('experiments in a sequence file', () => {
  let ws: ReturnType<typeof badInputWorkspace>;
  afterEach(() => ws.cleanup());

  for (const c of CASES) {
    it(`names the file, line and field: ${c.name}`, async () => {
      ws = badInputWorkspace();
      withPain(c.step)(ws);
      const result = await ws.cli('lint');
      expect(result.status).toBe(1);
      for (const line of c.expected) expect(result.stderr).toContain(line);
    });
  }

  it('accepts a valid experiment (DESIGN.md short form: mode on the step)', async () => {
    ws = badInputWorkspace();
    withPain(['  - id: pain', '    force: push', '    template: push-messy-data', '    wait: P0D', '    variants: [{ id: a }, { id: b, subject: "A shorter subject" }]', '    mode: bandit'])(ws);
    const result = await ws.cli('lint');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
