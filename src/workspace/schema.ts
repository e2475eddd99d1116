import { z } from 'zod';
import { PRESET_IDS } from '../io/types.js';
import { EVENT_TYPES, FORCES, STAGES } from '../domain/types.js';
import { parseDuration } from '../time/duration.js';
import { recurrenceProblem } from '../time/recurrence.js';
import { isValidZone } from '../time/zone.js';
import { parseWait } from '../domain/waits.js';
import { goalsSchema, holdoutSchema } from './reporting-schema.js';
import { checkScoring, checkStages } from './scoring-checks.js';
import { webhooksSchema } from './webhooks-schema.js';
import { durationSchema, idSchema, oneOf, strict } from './schema-parts.js';
import { conditionSchema, enterOnSchema, segmentsSchema } from './conditions/schema.js';

export { durationSchema } from './schema-parts.js';

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

export const stepSchema = strict({
  id: idSchema,
  force: oneOf(FORCES),
  template: z.string().regex(/^[A-Za-z0-9][\w-]*$/, { error: 'expected a template name without .hbs' }),
  // An ISO duration or "N business days" (domain/waits.ts); the messages name the common form.
  wait: z.string({ error: 'expected an ISO 8601 duration, e.g. P3D, PT36H' }).superRefine((value, ctx) => {
    if (!parseWait(value))
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration (expected e.g. P3D, PT36H)` });
  }),
  // Steps that react (README "Audiences and conditions"); step ids are checked in conditions/check.ts.
  when: conditionSchema.optional(),
  unless: conditionSchema.optional(),
  else: idSchema.optional(),
  goto: idSchema.optional(),
  // Content by segment: the first entry whose `when` holds picks the template; `template` is the default.
  content: z
    .array(strict({ when: conditionSchema, template: z.string().regex(/^[A-Za-z0-9][\w-]*$/, { error: 'expected a template name without .hbs' }) }))
    .min(1)
    .optional(),
});

export const sequenceSchema = strict({
  id: idSchema,
  name: z.string().min(1),
  description: z.string().default(''),
  audience: conditionSchema,
  enterOn: enterOnSchema.optional(),
  interrupt: z.boolean().default(false),
  exitWhen: conditionSchema.optional(),
  priority: z.number().int(),
  exitOn: z.array(oneOf(EVENT_TYPES)).default(['meeting_booked', 'replied', 'became_customer']),
  then: idSchema.optional(),
  salesCycle: durationSchema.optional(),
  season: idSchema.optional(),
  /** Enrols no one; its enrolled leads wait, and resume one overdue touch per run when it is unpaused. */
  paused: z.boolean().default(false),
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

const countryCode = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]+)?$/, { error: 'expected an ISO country code, e.g. US' });

/** A closed day of our own (README "Holidays"): one date or a recurrence, for some countries or for everyone. */
const extraHolidaySchema = strict({
  name: z.string().min(1),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD, e.g. 2026-10-21' })
    .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { error: 'is not a calendar date' })
    .optional(),
  rrule: recurrenceSchema.optional(),
  countries: z.array(countryCode).min(1).optional(),
}).superRefine((h, ctx) => {
  if ((h.date === undefined) === (h.rrule === undefined))
    ctx.addIssue({ code: 'custom', message: 'give either a date (YYYY-MM-DD) or an rrule (e.g. FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=2)' });
});

/** `holidays: true|false` (public holidays on or off) or `{ public, extra }`. */
const holidaysSchema = z.preprocess(
  (value) => (typeof value === 'boolean' ? { public: value } : value),
  strict({ public: z.boolean().default(true), extra: z.array(extraHolidaySchema).default([]) }),
);

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

/** What delivery does with the relay (README "Delivery failures", "TLS"). */
const deliverySchema = strict({
  /** A recipient refused with 4xx is retried with backoff for this long, then given up as a soft bounce. */
  softBounceAfter: durationSchema.default('P3D'),
  /** Refuse to send through a relay that does not offer STARTTLS. */
  requireTLS: z.boolean().default(false),
  /** A PEM file (relative to the workspace) of certificate authorities to trust, e.g. the relay's own. */
  tlsCa: z.string().min(1).optional(),
}).prefault({});

const dkimSchema = strict({
  domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, {
    error: 'expected the signing domain, e.g. tidewater.example',
  }),
  selector: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, {
    error: 'expected a DNS label, e.g. s1 (the key is published at s1._domainkey.<domain>)',
  }),
  /** A PEM private key file, relative to the workspace (keep it out of git, e.g. .nurture/dkim.pem). */
  privateKey: z.string().min(1, { error: 'expected the path of a PEM private key file, e.g. .nurture/dkim.pem' }),
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
  country: countryCode.default('US'),
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
  /** A mailbox someone reads for `mailto:` unsubscribes; without it List-Unsubscribe carries the HTTPS link alone. */
  unsubscribeMailbox: z.email({ error: 'expected an email address that someone reads, e.g. unsubscribe@tidewater.example' }).optional(),
  delivery: deliverySchema,
  dkim: dkimSchema.optional(),
  caps: capsSchema.default([]),
  minGap: durationSchema.default('PT0S'),
  sendWindow: strict({
    days: z.array(oneOf(WEEKDAYS)).min(1),
    from: timeOfDay,
    to: timeOfDay,
  }),
  holidays: holidaysSchema.default({ public: true, extra: [] }),
  /** How imports read CRM exports: `map` is header → field (as --map), `preset` forces one (as --preset). */
  import: strict({
    map: z.record(z.string(), z.string()).default({}),
    preset: oneOf(PRESET_IDS).optional(),
  }).prefault({}),
  goals: goalsSchema,
  holdout: holdoutSchema.optional(),
  /** `emptyShare`: lint warns on an unguarded template value empty for more than this share of the leads. */
  lint: strict({ emptyShare: z.number().min(0).max(1).default(0.2) }).prefault({}),
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
  segments: segmentsSchema,
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
  /** ESP webhooks (SendGrid, Mailgun, Postmark, Amazon SES): see webhooks-schema.ts. */
  webhooks: webhooksSchema.optional(),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type SequenceFile = z.infer<typeof sequenceSchema>;
export const WEEKDAY_NAMES = WEEKDAYS;
