import { z } from 'zod';
import { EVENT_TYPES, FORCES, STAGES } from '../domain/types.js';
import { parseDuration } from '../time/duration.js';
import { recurrenceProblem } from '../time/recurrence.js';
import { isValidZone } from '../time/zone.js';
import { parseWait } from '../domain/waits.js';
import { goalsSchema, holdoutSchema } from './reporting-schema.js';
import { checkScoring, checkStages } from './scoring-checks.js';

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
  // An ISO duration or "N business days" (domain/waits.ts); the messages name the common form.
  wait: z.string({ error: 'expected an ISO 8601 duration, e.g. P3D, PT36H' }).superRefine((value, ctx) => {
    if (!parseWait(value))
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration (expected e.g. P3D, PT36H)` });
  }),
});

export const sequenceSchema = strict({
  id: idSchema,
  name: z.string().min(1),
  description: z.string().default(''),
  audience: strict({ stages: z.array(oneOf(STAGES)).min(1) }),
  priority: z.number().int(),
  exitOn: z.array(oneOf(EVENT_TYPES)).default(['meeting_booked', 'replied', 'became_customer']),
  then: idSchema.optional(),
  salesCycle: durationSchema.optional(),
  season: idSchema.optional(),
  holdout: holdoutSchema.optional(),
  steps: z.array(stepSchema).min(1, { error: 'a sequence needs at least one step' }),
});

const capsSchema = z.array(strict({ max: z.number().int().positive(), per: durationSchema }));

const recurrenceSchema = z.string().superRefine((value, ctx) => {
  const problem = recurrenceProblem(value);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(value)} is not a recurrence (${problem}; expected e.g. FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1)`,
    });
});

/** Documented in README "Cadence": short cycles a quicker pace, cycles of many months sparse. */
export const DEFAULT_SALES_CYCLES = [
  { upTo: 'P30D', waitScale: 0.75, caps: [], minGap: 'PT0S' },
  { upTo: 'P90D', waitScale: 1, caps: [], minGap: 'PT0S' },
  { upTo: 'P180D', waitScale: 1.5, caps: [{ max: 2, per: 'P7D' }], minGap: 'P2D' },
  { waitScale: 2, caps: [{ max: 1, per: 'P7D' }, { max: 3, per: 'P30D' }], minGap: 'P4D' },
];

function checkTiers(tiers: { upTo?: string }[], ctx: z.RefinementCtx): void {
  let previous = 0;
  tiers.forEach((tier, i) => {
    const bound = tier.upTo === undefined ? Infinity : (parseDuration(tier.upTo)?.approxMs ?? 0);
    if (tier.upTo === undefined && i < tiers.length - 1)
      ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'only the last tier may omit upTo' });
    else if (bound <= previous)
      ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'tiers must be in ascending upTo order' });
    previous = bound;
  });
}

const fitRuleSchema = strict({
  id: idSchema,
  points: z.number(),
  field: z.string().optional(),
  pattern: z.string().optional(),
  in: z.array(z.union([z.string(), z.number()]).transform(String)).min(1).optional(),
  personalEmail: z.boolean().optional(),
});

const propertyValues = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const engagementRuleSchema = strict({
  id: idSchema,
  points: z.number(),
  // Checked in scoring-checks.ts, which names the rule and lists the event types.
  event: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  urlContains: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  properties: z.record(z.string(), z.union([propertyValues, z.array(propertyValues).min(1)])).optional(),
  max: z.number().optional(),
  unopenedStreak: z.number().int().positive().optional(),
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
  /** The double opt-in email (templates/<name>.hbs) sent once to pending leads under `consent: confirmed`. */
  confirmationTemplate: z.string().default('confirm-subscription'),
  /** SMTP connection pool and send rate (messages per second; 0 = unlimited). */
  smtpPool: strict({
    connections: z.number().int().min(1).max(50).default(4),
    ratePerSecond: z.number().min(0).default(0),
  }).default({ connections: 4, ratePerSecond: 0 }),
  caps: capsSchema.default([]),
  minGap: durationSchema.default('PT0S'),
  sendWindow: strict({
    days: z.array(oneOf(WEEKDAYS)).min(1),
    from: timeOfDay,
    to: timeOfDay,
  }),
  holidays: z.boolean().default(true),
  goals: goalsSchema,
  holdout: holdoutSchema.optional(),
  schedule: strict({ every: durationSchema }).default({ every: 'PT1H' }),
  salesCycles: z
    .array(
      strict({
        upTo: durationSchema.optional(),
        waitScale: z.number().positive().default(1),
        caps: capsSchema.default([]),
        minGap: durationSchema.default('PT0S'),
      }),
    )
    .superRefine(checkTiers)
    .default(DEFAULT_SALES_CYCLES),
  seasons: z
    .array(
      strict({
        id: idSchema,
        rrule: recurrenceSchema,
        duration: durationSchema,
        pace: z.number().positive().default(1),
        pause: z.boolean().default(false),
      }),
    )
    .default([]),
  cadence: strict({
    hot: strict({
      stages: z.array(oneOf(STAGES)).default(['desire', 'action']),
      within: durationSchema.default('P7D'),
      urlContains: z.array(z.string()).default(['/pricing']),
      waitScale: z.number().positive().max(1).default(0.5),
    }).prefault({}),
    unopened: strict({
      slowAfter: z.number().int().positive().default(3),
      waitScale: z.number().min(1).default(2),
      sunsetAfter: z.number().int().positive().default(6),
    }).prefault({}),
    recycle: strict({
      sequence: idSchema.nullable().default('recycle'),
      coolDown: durationSchema.default('P30D'),
    }).prefault({}),
  }).prefault({}),
  stages: strict({
    awareness: z.number(),
    interest: z.number(),
    desire: z.number(),
    action: z.number(),
  })
    .superRefine(checkStages)
    .default({
    awareness: 0,
    interest: 20,
    desire: 45,
    action: 80,
  }),
  scoring: strict({
    halfLife: durationSchema.default('P30D'),
    fit: z.array(fitRuleSchema).default([]),
    engagement: z.array(engagementRuleSchema).default([]),
  })
    .superRefine(checkScoring)
    .default({ halfLife: 'P30D', fit: [], engagement: [] }),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type SequenceFile = z.infer<typeof sequenceSchema>;
export const WEEKDAY_NAMES = WEEKDAYS;
