import { describe, expect, it } from 'vitest';
import type { Sequence } from '../../src/domain/types.js';
import { pathWarnings, sequencePaths } from '../../src/workspace/conditions/paths.js';
import { compile } from './support.js';

const visited = compile({ did: [{ event: 'page_viewed', urlContains: '/pricing', since: 'enrolled' }] });

function seq(steps: Partial<Sequence['steps'][number]>[]): Sequence {
  const forces = ['push', 'pull', 'habit', 'anxiety'] as const;
  return {
    id: 'paths',
    name: 'paths',
    description: '',
    audience: { stages: ['interest'] },
    priority: 1,
    exitOn: [],
    steps: steps.map((s, i) => ({ id: `s${i + 1}`, force: forces[i % 4]!, template: 't', wait: 'P1D', ...s })),
  };
}

describe('paths through a sequence that branches', () => {
  it('follows skips, else and goto, and names a path that misses a force', () => {
    const s = seq([{}, { unless: visited, else: 's4' }, {}, {}]);
    expect(sequencePaths(s).paths.map((p) => p.sent.join(' '))).toEqual(['s1 s2 s3 s4', 's1 s4']);
    expect(pathWarnings(s)).toEqual(['1 of 2 paths miss a force, e.g. s1 → s4 misses pull, habit']);
  });

  it('warns on a step that no path reaches', () => {
    const s = seq([{ goto: 's3' }, {}, {}, {}]);
    expect(pathWarnings(s)).toEqual([
      '1 of 1 paths miss a force, e.g. s1 → s3 → s4 misses pull',
      'step s2 is on no path: a goto or else always passes over it',
    ]);
  });

  it('says nothing about a sequence without branches', () => {
    expect(pathWarnings(seq([{}, {}, {}, {}]))).toEqual([]);
  });
});
