import fc from 'fast-check';
import type { Sequence } from '../../src/domain/types.js';
import { ConditionCompiler } from '../../src/workspace/conditions/compile.js';
import type { ConditionFile, EventRuleFile } from '../../src/workspace/conditions/schema.js';

/**
 * Random audiences, triggers and step conditions in their YAML form, compiled by the real
 * compiler: the property tests run the planner with them. Score tests are on fit only (fit does
 * not decay, so the forecast's visits see every change the hourly runs see).
 */
const EVENTS = ['page_viewed', 'email_opened', 'email_clicked'] as const;

const eventRuleArb = (steps: boolean): fc.Arbitrary<EventRuleFile> =>
  fc
    .record({
      event: fc.option(fc.constantFrom(...EVENTS), { nil: undefined }),
      urlContains: fc.option(fc.constant('/pricing'), { nil: undefined }),
      within: fc.option(fc.constantFrom('PT12H', 'P1D', 'P7D', 'P30D'), { nil: undefined }),
      since: steps ? fc.option(fc.constantFrom('enrolled', 'previous'), { nil: undefined }) : fc.constant(undefined),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as EventRuleFile);

const leafArb = (steps: boolean): fc.Arbitrary<ConditionFile> =>
  fc.oneof(
    fc.constant<ConditionFile>({ where: [{ field: 'country', in: ['US', 'DE', 'GB'] }] }),
    fc.constant<ConditionFile>({ where: [{ field: 'jobTitle', pattern: 'vp|director' }] }),
    fc.record<ConditionFile>({ did: fc.array(eventRuleArb(steps), { minLength: 1, maxLength: 2 }) }),
    fc.record<ConditionFile>({ didNot: fc.array(eventRuleArb(steps), { minLength: 1, maxLength: 2 }) }),
    fc.constantFrom<ConditionFile>({ fit: { gte: 5 } }, { fit: { lte: 10 } }),
    fc.constant<ConditionFile>({ segment: 'pricing-visitors' }),
  );

export const conditionArb = (steps: boolean): fc.Arbitrary<ConditionFile> =>
  fc.oneof(
    { weight: 3, arbitrary: leafArb(steps) },
    { weight: 1, arbitrary: fc.array(leafArb(steps), { minLength: 2, maxLength: 3 }).map((any) => ({ any })) },
    { weight: 1, arbitrary: leafArb(steps).map((not) => ({ not })) },
  );

export const SEGMENTS = { 'pricing-visitors': { did: [{ event: 'page_viewed', urlContains: '/pricing', within: 'P14D' }] } };

export interface Reactions {
  audience?: ConditionFile;
  enterOn?: EventRuleFile;
  interrupt: boolean;
  exitWhen?: ConditionFile;
  steps: { when?: ConditionFile; unless?: ConditionFile; elseTo?: number; gotoTo?: number }[];
}

export const reactionsArb: fc.Arbitrary<Reactions> = fc.record({
  audience: fc.option(conditionArb(false), { nil: undefined, freq: 2 }),
  enterOn: fc.option(
    fc.record({ event: fc.constantFrom('email_clicked', 'page_viewed'), within: fc.constantFrom('P1D', 'P7D') }),
    { nil: undefined, freq: 3 },
  ),
  interrupt: fc.boolean(),
  exitWhen: fc.option(conditionArb(true), { nil: undefined, freq: 4 }),
  steps: fc.array(
    fc.record({
      when: fc.option(conditionArb(true), { nil: undefined, freq: 3 }),
      unless: fc.option(conditionArb(true), { nil: undefined, freq: 3 }),
      elseTo: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      gotoTo: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 4 }),
    }),
    { maxLength: 5 },
  ),
});

/** The sequence with its reactions compiled in (forward jumps only, as the loader requires). */
export function withReactions(sequence: Sequence, r: Reactions): Sequence {
  const compiler = new ConditionCompiler(SEGMENTS);
  const out: Sequence = { ...sequence };
  if (r.audience) out.audience = { ...sequence.audience, condition: compiler.condition(r.audience) };
  if (r.enterOn) {
    out.enterOn = compiler.trigger(r.enterOn);
    if (r.interrupt) out.interrupt = true;
  }
  if (r.exitWhen) out.exitWhen = compiler.condition(r.exitWhen);
  out.steps = sequence.steps.map((step, i) => {
    const s = r.steps[i];
    if (!s) return step;
    const target = (k: number | undefined) => (k !== undefined && i + k < sequence.steps.length ? sequence.steps[i + k]!.id : undefined);
    const reacting = { ...step };
    if (s.when) reacting.when = compiler.condition(s.when);
    if (s.unless) reacting.unless = compiler.condition(s.unless);
    if ((s.when || s.unless) && target(s.elseTo)) reacting.else = target(s.elseTo);
    if (target(s.gotoTo)) reacting.goto = target(s.gotoTo);
    return reacting;
  });
  return out;
}
