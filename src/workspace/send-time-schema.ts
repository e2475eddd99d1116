import { z } from 'zod';
import { readsOnlyFields } from '../domain/send-time/segments.js';
import type { SendTimeSegment, SendTimeSettings } from '../domain/send-time/types.js';
import { parseDuration } from '../time/duration.js';
import { ConditionCompiler, type SegmentFiles } from './conditions/compile.js';
import { holdoutSchema } from './reporting-schema.js';
import { shareSchema, strict } from './schema-parts.js';

/** `explore: 10%` (or 0.1): a share of sends, at most half. */
const sendShare = shareSchema('a share of sends');

/** `maxDelay`: whole business days (P1D, P2D) or a fixed time (PT4H), never both. */
const maxDelaySchema = z.string({ error: 'expected P1D (business days) or PT4H (hours)' }).superRefine((value, ctx) => {
  const d = parseDuration(value);
  const calendar = d ? d.calendar.years + d.calendar.months : 0;
  const mixed = d !== null && d.calendar.days > 0 && d.fixedMs > 0;
  if (!d || calendar > 0 || mixed || d.approxMs === 0 || d.calendar.days > 10)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not a send-time delay (expected whole business days such as P1D, at most P10D, or hours such as PT4H)`,
    });
});

/** `sendTime:` in nurture.yaml (README "Send-time optimisation"). */
export const sendTimeSchema = strict({
  optimize: z.boolean({ error: 'expected true or false' }),
  maxDelay: maxDelaySchema.default('P1D'),
  explore: sendShare.default(0.1),
  holdout: holdoutSchema.default(0.1),
});

export type SendTimeFile = z.infer<typeof sendTimeSchema>;

/** The planner's settings from the validated key, with the named segments that pool hours. */
export function sendTimeSettings(file: SendTimeFile, segmentFiles: SegmentFiles = {}): SendTimeSettings {
  const d = parseDuration(file.maxDelay)!;
  const compiler = new ConditionCompiler(segmentFiles);
  const segments: SendTimeSegment[] = Object.keys(segmentFiles)
    .map((name) => ({ name, condition: compiler.segment(name) }))
    .filter((s) => readsOnlyFields(s.condition));
  return {
    optimize: file.optimize,
    maxDelay: d.calendar.days > 0 ? { businessDays: d.calendar.days } : { ms: d.fixedMs },
    maxDelayText: file.maxDelay,
    explore: file.explore,
    holdout: file.holdout,
    ...(segments.length > 0 ? { segments } : {}),
  };
}
