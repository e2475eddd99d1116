import { z } from 'zod';
import { EVENT_TYPES, FORCES, STAGES } from '../domain/types.js';
import { parseDuration } from '../time/duration.js';
import { isValidZone } from '../time/zone.js';

/** An object that rejects unknown keys, naming them, the likely intended key, and the keys that are allowed. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const meant = issue.keys.length === 1 ? closest(issue.keys[0]!, keys) : undefined;
      const unknown = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown key ${unknown}${meant ? ` (did you mean "${meant}"?)` : ''} (allowed: ${keys.join(', ')})`;
    },
  });
}

/** The allowed key a typo most likely meant: at most two edits away (`wiat` → `wait`). */
function closest(key: string, allowed: string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Optimal string alignment distance: a swap of two neighbours counts as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `${JSON.stringify(issue.input)} is not one of ${values.join(', ')}` });

export const durationSchema = z
  .string({ error: 'expected an ISO 8601 duration, e.g. P3D, PT36H' })
  .superRefine((value, ctx) => {
    if (!parseDuration(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not a duration (expected e.g. P3D, PT36H)`,
      });
    }
  });

export const zoneSchema = z.string().superRefine((value, ctx) => {
  if (!isValidZone(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not an IANA time zone (expected e.g. America/New_York)`,
    });
  }
});

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'expected a time of day HH:MM, e.g. 09:00' });
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: 'expected lowercase letters, digits and dashes, e.g. new-signups',
});

export const stepSchema = strict({
  id: idSchema,
  force: oneOf(FORCES),
  template: z.string().regex(/^[A-Za-z0-9][\w-]*$/, { error: 'expected a template name without .hbs' }),
  wait: durationSchema,
});

export const sequenceSchema = strict({
  id: idSchema,
  name: z.string().min(1),
  description: z.string().default(''),
  audience: strict({ stages: z.array(oneOf(STAGES)).min(1) }),
  priority: z.number().int(),
  exitOn: z.array(oneOf(EVENT_TYPES)).default(['meeting_booked', 'replied', 'became_customer']),
  then: idSchema.optional(),
  steps: z.array(stepSchema).min(1, { error: 'a sequence needs at least one step' }),
});

const fitRuleSchema = strict({
  id: idSchema,
  points: z.number(),
  field: z.string().optional(),
  pattern: z.string().optional(),
  in: z.array(z.string()).optional(),
  personalEmail: z.boolean().optional(),
});

const engagementRuleSchema = strict({
  id: idSchema,
  points: z.number(),
  event: z.union([oneOf(EVENT_TYPES), z.array(oneOf(EVENT_TYPES)).min(1)]),
  urlContains: z.union([z.string(), z.array(z.string())]).optional(),
  max: z.number().optional(),
});

export const configSchema = strict({
  sender: strict({
    name: z.string().min(1),
    email: z.email({ error: 'expected an email address' }),
    company: z.string().min(1),
    postalAddress: z.string().min(10, { error: 'the postal address is required in every footer (CAN-SPAM)' }),
    replyTo: z.email().optional(),
  }),
  timezone: zoneSchema,
  country: z
    .string()
    .regex(/^[A-Z]{2}(-[A-Z0-9]+)?$/, { error: 'expected an ISO country code, e.g. US' })
    .default('US'),
  consent: oneOf(['confirmed', 'single'] as const),
  smtp: z.string().default('file:./outbox'),
  database: z.string().default('.nurture/nurture.db'),
  baseUrl: z
    .url({ error: 'expected an absolute URL, e.g. https://nurture.example.com' })
    .default('http://127.0.0.1:8787'),
  caps: z.array(strict({ max: z.number().int().positive(), per: durationSchema })).default([]),
  minGap: durationSchema.default('PT0S'),
  sendWindow: strict({
    days: z.array(oneOf(WEEKDAYS)).min(1),
    from: timeOfDay,
    to: timeOfDay,
  }),
  holidays: z.boolean().default(true),
  schedule: strict({ every: durationSchema }).default({ every: 'PT1H' }),
  stages: strict({
    awareness: z.number(),
    interest: z.number(),
    desire: z.number(),
    action: z.number(),
  }).default({
    awareness: 0,
    interest: 20,
    desire: 45,
    action: 80,
  }),
  scoring: strict({
    halfLife: durationSchema.default('P30D'),
    fit: z.array(fitRuleSchema).default([]),
    engagement: z.array(engagementRuleSchema).default([]),
  }).default({ halfLife: 'P30D', fit: [], engagement: [] }),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type SequenceFile = z.infer<typeof sequenceSchema>;
export const WEEKDAY_NAMES = WEEKDAYS;
