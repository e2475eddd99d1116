import { describe, expect, it } from 'vitest';
import { assignVariant, configuredShares, variantBucket } from '../../src/domain/experiments/assign.js';
import { decideExperiment } from '../../src/domain/experiments/decide.js';
import { tickSeed } from '../../src/domain/experiments/seeded.js';
import { config, simulateExperiment, twoVariants } from './simulate.js';

describe('Thompson sampling (mode: bandit)', () => {
  it('moves most traffic to the truly better arm over simulated weeks', () => {
    const seeds = 20;
    let better = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = simulateExperiment({
        seed,
        truth: { click: [0.05, 0.1] },
        config: config({ mode: 'bandit', minExposure: 100, guardrails: [] }),
        perLook: 50,
        looks: 120,
        draws: 1000,
        stopAtDecision: false,
      });
      const share = r.sends[1]! / (r.sends[0]! + r.sends[1]!);
      if (share > 0.6) better++;
      expect(r.verdict.arms[1]!.share).toBeGreaterThan(r.verdict.arms[0]!.share);
    }
    expect(better / seeds).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps the configured weights until every arm has minExposure sends', () => {
    const arms = [
      { id: 'a', exposures: 99, conversions: 0, unsubscribes: 0, complaints: 0 },
      { id: 'b', exposures: 500, conversions: 100, unsubscribes: 0, complaints: 0 },
    ];
    const verdict = decideExperiment({ config: config({ mode: 'bandit', minExposure: 100 }), variants: twoVariants, arms, seed: 1 });
    expect(verdict.arms.map((a) => a.share)).toEqual([0.5, 0.5]);
    expect(verdict.outcome.why).toMatch(/exploring: a below 100 sends/);
  });

  it('gives the same allocation for the same counts and tick, and another tick its own draws', () => {
    const arms = [
      { id: 'a', exposures: 300, conversions: 30, unsubscribes: 0, complaints: 0 },
      { id: 'b', exposures: 300, conversions: 36, unsubscribes: 0, complaints: 0 },
    ];
    const at = Date.parse('2026-12-01T15:00:00Z');
    const decide = (t: number) => decideExperiment({ config: config({ mode: 'bandit' }), variants: twoVariants, arms, seed: tickSeed('s/step', t) });
    expect(decide(at)).toEqual(decide(at));
    expect(decide(at).arms[0]!.share).not.toBe(decide(at + 3_600_000).arms[0]!.share);
  });
});

describe('variant assignment (keyed hash)', () => {
  const emails = Array.from({ length: 20_000 }, (_, i) => `lead${i}@example.com`);

  it('is sticky, case-insensitive and follows the weights', () => {
    const variants = [
      { id: 'a', weight: 3 },
      { id: 'b', weight: 1 },
    ];
    expect(configuredShares(variants).map((s) => s.share)).toEqual([0.75, 0.25]);
    const counts = { a: 0, b: 0 };
    for (const e of emails) {
      const v = assignVariant('seq', 'step', variants, e, undefined);
      expect(assignVariant('seq', 'step', variants, e.toUpperCase(), undefined).id).toBe(v.id);
      counts[v.id as 'a' | 'b']++;
    }
    // 25% of 20,000 = 5,000, sd ≈ 61: within 4 sd.
    expect(Math.abs(counts.b - 5000)).toBeLessThan(250);
  });

  it('is independent between experiments (and of the holdout bucket)', () => {
    let both = 0;
    let first = 0;
    let second = 0;
    for (const e of emails) {
      const x = variantBucket(e, 'seq/one') < 0.5;
      const y = variantBucket(e, 'seq/two') < 0.5;
      if (x) first++;
      if (y) second++;
      if (x && y) both++;
    }
    // Independent halves: a quarter in both (sd ≈ 61 around 5,000).
    expect(Math.abs(both - (first * second) / emails.length)).toBeLessThan(250);
  });

  it('a stopped arm (share 0) gets no new leads', () => {
    const allocations = { 'seq/step': [{ id: 'a', share: 1 }, { id: 'b', share: 0 }] };
    for (const e of emails.slice(0, 2000)) expect(assignVariant('seq', 'step', twoVariants, e, allocations).id).toBe('a');
  });
});
