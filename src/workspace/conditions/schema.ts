import { z } from 'zod';
import { FIT_FIELDS } from '../../domain/scoring-rules.js';
import { EVENT_TYPES, STAGES, type Stage } from '../../domain/types.js';
import { closest, durationSchema, oneOf, strict } from '../schema-parts.js';

/**
 * The YAML form of conditions (README "Audiences and conditions"): audiences, named segments,
 * a step's `when`/`unless` and a sequence's `exitWhen` share it. Checks that need other files
 * (segment names, step ids) are in check.ts; compile.ts turns the result into domain values.
 */
export interface FieldRuleFile {
  field?: string;
  pattern?: string;
  in?: (string | number)[];
  exists?: boolean;
  gte?: number;
  lte?: number;
  before?: string;
  after?: string;
  all?: FieldRuleFile[];
  any?: FieldRuleFile[];
  not?: FieldRuleFile;
}

type PropertyValue = string | number | boolean;

export interface EventRuleFile {
  event?: string | string[];
  urlContains?: string | string[];
  properties?: Record<string, PropertyValue | PropertyValue[]>;
  within?: string;
  since?: string;
}

export interface RangeFile {
  gte?: number;
  lte?: number;
}

export interface ConditionFile {
  stages?: Stage[];
  segment?: string | string[];
  where?: FieldRuleFile[];
  did?: EventRuleFile[];
  didNot?: EventRuleFile[];
  score?: RangeFile;
  fit?: RangeFile;
  engagement?: RangeFile;
  all?: ConditionFile[];
  any?: ConditionFile[];
  not?: ConditionFile;
}

const FIELD_TESTS = ['pattern', 'in', 'exists', 'gte', 'lte', 'before', 'after'] as const;

/** A date (2026-11-01) or instant (2026-11-01T09:00:00Z); a date alone is midnight UTC. */
export const dateSchema = z.string({ error: 'expected a date, e.g. 2026-11-01' }).superRefine((value, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a date (expected e.g. 2026-11-01)` });
});

const fieldName = z.string().superRefine((value, ctx) => {
  if (value.startsWith('attributes.') && value.length > 11) return;
  if ((FIT_FIELDS as readonly string[]).includes(value)) return;
  const meant = closest(value, [...FIT_FIELDS]);
  ctx.addIssue({
    code: 'custom',
    message: `unknown field "${value}"${meant ? ` (did you mean "${meant}"?)` : ''} (allowed: ${FIT_FIELDS.join(', ')}, attributes.<column>)`,
  });
});

export const fieldRuleSchema: z.ZodType<FieldRuleFile> = strict({
  field: fieldName.optional(),
  pattern: z.string().optional(),
  in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  exists: z.boolean().optional(),
  gte: z.number().optional(),
  lte: z.number().optional(),
  before: dateSchema.optional(),
  after: dateSchema.optional(),
  get all() {
    return z.array(fieldRuleSchema).min(1).optional();
  },
  get any() {
    return z.array(fieldRuleSchema).min(1).optional();
  },
  get not() {
    return fieldRuleSchema.optional();
  },
}).superRefine((rule, ctx) => {
  const joins = (['all', 'any', 'not'] as const).filter((k) => rule[k] !== undefined);
  const tests = FIELD_TESTS.filter((k) => rule[k] !== undefined);
  if (joins.length > 1 || (joins.length === 1 && rule.field !== undefined))
    ctx.addIssue({ code: 'custom', message: 'give either a field with its tests, or one of all, any, not' });
  else if (joins.length === 0 && rule.field === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['field'],
      message: tests.length > 0 ? `${tests.join(', ')} need${tests.length === 1 ? 's' : ''} a field to test` : 'required, but missing (a lead field, e.g. country, or all/any/not)',
    });
  if (rule.pattern !== undefined) {
    try {
      new RegExp(rule.pattern, 'i');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`,
      });
    }
  }
}) as unknown as z.ZodType<FieldRuleFile>;

const eventName = z.string().superRefine((value, ctx) => {
  if ((EVENT_TYPES as readonly string[]).includes(value)) return;
  const meant = closest(value, [...EVENT_TYPES]);
  ctx.addIssue({
    code: 'custom',
    message: `unknown event "${value}"${meant ? ` (did you mean "${meant}"?)` : ''} (known: ${EVENT_TYPES.join(', ')})`,
  });
});

const propertyValue = z.union([z.string(), z.number(), z.boolean()]);

const sinceSchema = z.string().superRefine((value, ctx) => {
  if (value === 'enrolled' || value === 'previous') return;
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(value)} is not enrolled, previous or a date (expected e.g. since: enrolled, since: 2026-11-01)`,
  });
});

export const eventRuleSchema = strict({
  event: z.union([eventName, z.array(eventName).min(1)]).optional(),
  urlContains: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  properties: z.record(z.string(), z.union([propertyValue, z.array(propertyValue).min(1)])).optional(),
  within: durationSchema.optional(),
  since: sinceSchema.optional(),
});

const rangeSchema = strict({ gte: z.number().optional(), lte: z.number().optional() }).superRefine((r, ctx) => {
  if (r.gte === undefined && r.lte === undefined) ctx.addIssue({ code: 'custom', message: 'give gte, lte or both' });
});

const segmentName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: 'expected a segment name of lowercase letters, digits and dashes, e.g. emea-saas',
});

export const conditionSchema: z.ZodType<ConditionFile> = strict({
  stages: z.array(oneOf(STAGES)).min(1).optional(),
  segment: z.union([segmentName, z.array(segmentName).min(1)]).optional(),
  where: z.array(fieldRuleSchema).min(1).optional(),
  did: z.array(eventRuleSchema).min(1).optional(),
  didNot: z.array(eventRuleSchema).min(1).optional(),
  score: rangeSchema.optional(),
  fit: rangeSchema.optional(),
  engagement: rangeSchema.optional(),
  get all() {
    return z.array(conditionSchema).min(1).optional();
  },
  get any() {
    return z.array(conditionSchema).min(1).optional();
  },
  get not() {
    return conditionSchema.optional();
  },
}).superRefine((c, ctx) => {
  if (Object.values(c).every((v) => v === undefined))
    ctx.addIssue({ code: 'custom', message: `an empty condition (give stages, segment, where, did, didNot, score, fit, engagement, all, any or not)` });
}) as unknown as z.ZodType<ConditionFile>;

/** A sequence's `enterOn`: an event type, or an event rule with filters (`within` defaults to P7D). */
export const enterOnSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { event: v } : v),
  eventRuleSchema,
);

export const segmentsSchema = z.record(segmentName, conditionSchema).default({});
