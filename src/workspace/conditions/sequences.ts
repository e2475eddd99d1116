import type { Sequence } from '../../domain/types.js';
import type { SequenceFile } from '../schema.js';
import { ConditionCompiler, type SegmentFiles } from './compile.js';

/**
 * The domain sequences of validated files: audiences, triggers, exit conditions and step
 * conditions compiled once (per run, per planner thread), sharing one compiled copy per segment.
 */
export function compileSequences(files: readonly SequenceFile[], segments: SegmentFiles = {}): Sequence[] {
  const compiler = new ConditionCompiler(segments);
  return files.map((file) => {
    const { audience, enterOn, exitWhen, interrupt, steps, ...rest } = file;
    const sequence: Sequence = {
      ...rest,
      audience: compiler.audience(audience),
      steps: steps.map(({ when, unless, content, ...step }) => ({
        ...step,
        ...(content ? { content: content.map((c) => ({ when: compiler.condition(c.when), template: c.template })) } : {}),
        ...(when ? { when: compiler.condition(when) } : {}),
        ...(unless ? { unless: compiler.condition(unless) } : {}),
      })),
    };
    if (enterOn) sequence.enterOn = compiler.trigger(enterOn);
    if (interrupt) sequence.interrupt = true;
    if (exitWhen) sequence.exitWhen = compiler.condition(exitWhen);
    return sequence;
  });
}
