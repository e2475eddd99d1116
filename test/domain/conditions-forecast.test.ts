import { describe, expect, it } from 'vitest';
import type { LeadEvent, Sequence } from '../../src/domain/types.js';
import { forecastLead } from '../../src/run/forecast.js';
import { ConditionCompiler } from '../../src/workspace/conditions/compile.js';
import type { ConditionFile } from '../../src/workspace/conditions/schema.js';
import { DAY, HOUR, leadState, planContext, policy, sequence, STEADY, simulateHourly } from './fixtures.js';

/**
 * Forecast versus hourly runs when every event arrived before the forecast starts: with no new
 * engagement, conditions still change as events leave their windows (`within`), and the forecast
 * must visit the run where that happens.
 */
const START = Date.parse('2026-06-01T12:00:00Z'); // a Monday
const compiler = new ConditionCompiler();
const cond = (file: ConditionFile) => compiler.condition(file);
const pricing = (hoursBefore: number) => ({ type: 'page_viewed' as const, at: START - hoursBefore * HOUR, url: 'https://x.test/pricing' });
const opened = (hoursBefore: number) => ({ type: 'email_opened' as const, at: START - hoursBefore * HOUR, url: '' });

function compare(sequences: Sequence[], events: LeadEvent[], days = 30) {
  const p = policy({ cadence: STEADY });
  const runs = simulateHourly(planContext(p, sequences), leadState({}, events), [], START, START + days * DAY);
  const items = forecastLead(planContext(p, sequences), leadState({}, events), START, START + days * DAY);
  const show = (s: { sequenceId: string; stepId: string; at: number }) => `${s.sequenceId}/${s.stepId}@${new Date(s.at).toISOString()}`;
  expect(items.map((i) => show({ sequenceId: i.sequence, stepId: i.step, at: Date.parse(i.at) }))).toEqual(runs.map(show));
  return runs;
}

describe('forecast and runs agree on conditions whose events are all in the past', () => {
  it('enrols when a pricing visit leaves a didNot window, at the run where it does', () => {
    const quiet = sequence('not-now', ['P0D', 'P3D'], {
      audience: { stages: ['awareness', 'interest', 'desire'], condition: cond({ didNot: [{ event: 'page_viewed', urlContains: '/pricing', within: 'P14D' }] }) },
    });
    // Visited /pricing 3 days and 5 hours before the start: out of the window 10 days 19 hours after it.
    const runs = compare([quiet], [pricing(3 * 24 + 5)]);
    expect(runs.length).toBe(2);
    expect(runs[0]!.at).toBeGreaterThanOrEqual(START + 10 * DAY + 19 * HOUR);
    expect(runs[0]!.at).toBeLessThan(START + 12 * DAY);
  });

  it('skips a step whose when reads an open that has left its window by the time the step is due', () => {
    const engaged = sequence('engaged', ['P0D', 'P7D', 'P2D']);
    engaged.steps[1] = { ...engaged.steps[1]!, when: cond({ did: [{ event: 'email_opened', within: 'P5D' }] }) };
    const runs = compare([engaged], [opened(20)]);
    expect(runs.map((r) => r.stepId)).toEqual(['s1', 's3']);
  });

  it('goes to the else step, and an enterOn trigger from before the start enrols at once', () => {
    const webinar = sequence('trigger', ['P0D', 'P2D', 'P1D', 'P1D'], {
      priority: 5,
      enterOn: compiler.trigger({ event: 'page_viewed', urlContains: '/pricing', within: 'P7D' }),
    });
    webinar.steps[1] = { ...webinar.steps[1]!, unless: cond({ did: [{ event: 'page_viewed', since: '2026-05-01' }] }), else: 's4' };
    const fallback = sequence('fallback', ['P0D', 'P3D'], { priority: 1 });
    const runs = compare([webinar, fallback], [pricing(30)]);
    expect(runs.slice(0, 2).map((r) => `${r.sequenceId}/${r.stepId}`)).toEqual(['trigger/s1', 'trigger/s4']);
  });
});
