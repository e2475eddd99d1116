import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Allocations } from '../../src/domain/experiments/types.js';
import { experimentKey } from '../../src/domain/experiments/types.js';
import type { Sequence } from '../../src/domain/types.js';
import { forecastLead } from '../../src/run/forecast.js';
import { type FutureEvent, futureEventsArb, leadArb, leadFrom, policyArb, sequencesArb, startArb } from './arbitraries.js';
import { DAY, planContext, simulateHourly } from './fixtures.js';

/**
 * Variants change what a touch says, never when or whether it goes: over 90 days of hourly runs,
 * a workspace with experiments on random steps (random weights, allocations with stopped arms)
 * sends exactly the touches the same workspace without them sends — so caps, windows, consent
 * and every other invariant checked in invariants.property.test.ts hold with variants too — and
 * each touch carries the variant its allocation gives the lead, the same in the forecast (7, 14).
 */
const DAYS = 90;

interface ExperimentSpec {
  stepIndex: number;
  weights: number[];
  /** Shares this run gives each arm (0: stopped by a guardrail, or not the winner). */
  shares: number[] | null;
}

const experimentArb = fc.record({
  stepIndex: fc.integer({ min: 0, max: 4 }),
  weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 3 }),
  shares: fc.option(fc.array(fc.constantFrom(0, 0.2, 0.5, 1), { minLength: 3, maxLength: 3 }), { nil: null }),
});

function withExperiments(sequences: Sequence[], specs: ExperimentSpec[]): { sequences: Sequence[]; allocations: Allocations } {
  const allocations: Record<string, { id: string; share: number }[]> = {};
  const out = sequences.map((s, i) => {
    const spec = specs[i % specs.length]!;
    // The first or second step: the ones most worlds reach.
    const index = spec.stepIndex % Math.min(2, s.steps.length);
    const variants = spec.weights.map((weight, j) => ({ id: `v${j}`, weight, ...(j > 0 ? { subject: `Subject ${j}` } : {}) }));
    const step = s.steps[index]!;
    if (spec.shares) {
      const shares = variants.map((v, j) => ({ id: v.id, share: spec.shares![j]! }));
      // An allocation always leaves at least one arm open (a decided test gives the winner all).
      if (shares.every((x) => x.share === 0)) shares[0]!.share = 1;
      allocations[experimentKey(s.id, step.id)] = shares;
    }
    const steps = s.steps.map((x, k) =>
      k === index ? { ...x, variants, experiment: { mode: 'test' as const, metric: { kind: 'click' as const }, alpha: 0.05, minExposure: 100, guardrails: [], autoConclude: false, mixingVariance: 0.001 } } : x,
    );
    return { ...s, steps };
  });
  return { sequences: out, allocations };
}

const worldArb = (withEvents: boolean) =>
  fc.record({
    policy: policyArb,
    sequences: sequencesArb,
    // Leads that may be mailed: the invariants of consent and suppression are checked in invariants.property.test.ts.
    spec: leadArb.map((l) => ({ ...l, consent: 'confirmed' as const, suppressed: false, history: l.history.filter((h) => h.type !== 'replied') })),
    start: startArb,
    experiments: fc.array(experimentArb, { minLength: 1, maxLength: 3 }),
    future: withEvents ? futureEventsArb(DAYS) : fc.constant<FutureEvent[]>([]),
  });

describe('variants keep the invariants (90 days of hourly runs)', () => {
  it('send the same touches at the same moments as the workspace without variants, each with an open arm', () => {
    let variantSends = 0;
    fc.assert(
      fc.property(worldArb(true), (w) => {
        const events = w.future.map((e) => ({ type: e.type, at: w.start + e.minutesAfter * 60_000, url: '' })).sort((a, b) => a.at - b.at);
        const plain = simulateHourly(planContext(w.policy, w.sequences), leadFrom(w.spec, w.start), events, w.start, w.start + DAYS * DAY);
        // Most random worlds send nothing (no consent, no audience): those say nothing of variants.
        fc.pre(plain.length > 0);
        const { sequences, allocations } = withExperiments(w.sequences, w.experiments);
        const ctx = { ...planContext(w.policy, sequences), allocations };
        const variants: string[] = [];
        const sends = simulateHourly(ctx, leadFrom(w.spec, w.start), events, w.start, w.start + DAYS * DAY, ({ outcome }) => {
          if (outcome.kind !== 'send') return;
          const key = experimentKey(outcome.sequence.id, outcome.step.id);
          if (!outcome.step.variants) return expect(outcome.variant).toBeUndefined();
          expect(outcome.variant).toBeDefined();
          const share = allocations[key]?.find((s) => s.id === outcome.variant!.id)?.share;
          if (share !== undefined) expect(share, `${key} sent stopped arm ${outcome.variant!.id}`).toBeGreaterThan(0);
          variants.push(`${key}:${outcome.variant!.id}`);
          variantSends++;
        });
        expect(sends).toEqual(plain);
        // A lead's arm is the same whenever it is decided (stable across runs: invariant 14).
        const byKey = new Map<string, Set<string>>();
        for (const v of variants) {
          const [key, id] = v.split(':') as [string, string];
          byKey.set(key, (byKey.get(key) ?? new Set()).add(id));
        }
        for (const ids of byKey.values()) expect(ids.size).toBe(1);
      }),
      { numRuns: 40 },
    );
    // The worlds do send steps with variants (the property is not met by sending none).
    expect(variantSends).toBeGreaterThan(20);
  });

  it('the forecast shows each touch with the variant the runs send (7, 14)', () => {
    fc.assert(
      fc.property(worldArb(false), (w) => {
        const { sequences, allocations } = withExperiments(w.sequences, w.experiments);
        const ctx = { ...planContext(w.policy, sequences), allocations };
        const sent: string[] = [];
        simulateHourly(ctx, leadFrom(w.spec, w.start), [], w.start, w.start + DAYS * DAY, ({ outcome }, t) => {
          if (outcome.kind === 'send') sent.push(`${outcome.sequence.id}/${outcome.step.id}@${t}:${outcome.variant?.id ?? '-'}`);
        });
        fc.pre(sent.some((x) => !x.endsWith(':-')));
        const items = forecastLead({ ...planContext(w.policy, sequences), allocations }, leadFrom(w.spec, w.start), w.start, w.start + DAYS * DAY);
        expect(items.map((i) => `${i.sequence}/${i.step}@${Date.parse(i.at)}:${i.variant ?? '-'}`)).toEqual(sent);
      }),
      { numRuns: 40 },
    );
  });
});
