import { describe, expect, it } from 'vitest';
import { DETECTABLE_LIFT } from '../../src/domain/experiments/decide.js';
import { alwaysValidP, logMixtureRatio } from '../../src/domain/experiments/msprt.js';
import { dayReached, powerAt, sendsForPower } from '../../src/domain/experiments/power.js';
import { config, simulateExperiment } from './simulate.js';

/**
 * The sequential test against a known truth written here: leads whose click probability depends
 * on their variant, looked at after every simulated run. Over many seeds it must pick the truly
 * better variant about as often as its power says, and between two identical variants declare a
 * winner no more often than alpha, however often it is looked at.
 */
const SEEDS = 300;

describe('mSPRT (always-valid sequential test)', () => {
  it('matches the worked example in msprt.ts', () => {
    const a = { exposures: 4000, conversions: 200 };
    const b = { exposures: 4000, conversions: 260 };
    const lambda = Math.exp(logMixtureRatio(a, b, 0.001));
    expect(lambda).toBeGreaterThan(5);
    expect(lambda).toBeLessThan(20);
    expect(alwaysValidP(a, a, 0.001)).toBe(1);
  });

  it('between two identical variants, looked at after every run, declares a winner at most alpha of the time', () => {
    let winners = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = simulateExperiment({ seed, truth: { click: [0.08, 0.08] }, config: config({ guardrails: [] }), perLook: 100, looks: 60, draws: 50 });
      if (r.verdict.outcome.kind === 'winner') winners++;
    }
    // alpha = 0.05 over 300 seeds: 15 expected at the bound; Ville's inequality makes it conservative.
    expect(winners / SEEDS).toBeLessThanOrEqual(0.05);
  });

  it('picks the truly better variant, and almost never the worse one', () => {
    let right = 0;
    let wrong = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = simulateExperiment({ seed, truth: { click: [0.08, 0.12] }, config: config({ guardrails: [] }), perLook: 100, looks: 60, draws: 50 });
      if (r.verdict.outcome.kind === 'winner') {
        if (r.verdict.outcome.variant === 'b') right++;
        else wrong++;
      }
    }
    expect(right / SEEDS).toBeGreaterThan(0.9);
    expect(wrong / SEEDS).toBeLessThanOrEqual(0.025);
  });

  it('has the power the forecast promises: a 20% lift is found in at least 80% of seeds by the forecast sample size', () => {
    const baseline = 0.1;
    const needed = sendsForPower(baseline, DETECTABLE_LIFT, [0.5, 0.5], 0.05, 0.001);
    expect(powerAt(needed, baseline, DETECTABLE_LIFT, [0.5, 0.5], 0.05, 0.001)).toBeGreaterThanOrEqual(0.8);
    expect(powerAt(needed / 2, baseline, DETECTABLE_LIFT, [0.5, 0.5], 0.05, 0.001)).toBeLessThan(0.8);
    const perLook = 200;
    const looks = Math.ceil(needed / perLook);
    let found = 0;
    const seeds = 150;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = simulateExperiment({ seed, truth: { click: [baseline, baseline * (1 + DETECTABLE_LIFT)] }, config: config({ guardrails: [] }), perLook, looks, draws: 20 });
      if (r.verdict.outcome.kind === 'winner' && r.verdict.outcome.variant === 'b') found++;
    }
    expect(found / seeds).toBeGreaterThanOrEqual(0.75);
  });

  it('waits for minExposure per variant before it decides', () => {
    const r = simulateExperiment({ seed: 7, truth: { click: [0.01, 0.9] }, config: config({ minExposure: 500 }), perLook: 100, looks: 4 });
    expect(r.verdict.outcome.kind).toBe('running');
    expect(r.verdict.outcome.why).toMatch(/500 sends/);
  });
});

describe('guardrails', () => {
  it('stop a variant whose unsubscribe rate is credibly higher, and take it out of the allocation', () => {
    const r = simulateExperiment({ seed: 3, truth: { click: [0.1, 0.1], unsubscribe: [0.002, 0.03] }, config: config(), perLook: 100, looks: 60 });
    expect(r.verdict.outcome.kind).toBe('stopped');
    expect(r.verdict.outcome.kind === 'stopped' && r.verdict.outcome.variants).toEqual(['b']);
    expect(r.verdict.arms[1]!.share).toBe(0);
    expect(r.verdict.arms[0]!.share).toBe(1);
    expect(r.verdict.arms[1]!.stopped).toMatch(/^unsubscribe rate/);
  });

  it('do not stop harmless variants more often than alpha', () => {
    let stopped = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = simulateExperiment({ seed, truth: { click: [0.1, 0.1], unsubscribe: [0.01, 0.01] }, config: config(), perLook: 100, looks: 40, draws: 20 });
      if (r.verdict.outcome.kind === 'stopped') stopped++;
    }
    // Two arms, each checked against the other: at most 2 × alpha.
    expect(stopped / 200).toBeLessThanOrEqual(0.1);
  });
});

describe("the power forecast's date", () => {
  it('counts the projected sends day by day, then goes on at their average pace', () => {
    expect(dayReached(100, 300, [50, 50, 50, 50, 50])).toBe(4);
    expect(dayReached(300, 300, [])).toBe(0);
    // 250 in the 5 projected days, 250 more at 50 a day: 5 more days.
    expect(dayReached(0, 500, [50, 50, 50, 50, 50])).toBe(10);
    expect(dayReached(0, 500, [0, 0, 0])).toBeUndefined();
  });
});
