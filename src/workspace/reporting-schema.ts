import { z } from 'zod';
import { EVENT_TYPES } from '../domain/types.js';
import { parseDuration } from '../time/duration.js';
import { shareSchema } from './schema-parts.js';

/** `holdout: 10%` (or 0.1): the share kept out as a control group, at most half. */
export const holdoutSchema = shareSchema('a holdout share');

const eventType = z.enum(EVENT_TYPES, { error: (issue) => `${JSON.stringify(issue.input)} is not an event type (expected one of ${EVENT_TYPES.join(', ')})` });

/** `goals: [{ id, event, within, urlContains?, model? }]`: the conversions the report counts and credits. */
export const goalsSchema = z
  .array(
    z.strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, { error: 'expected lowercase letters, digits and dashes, e.g. meeting' }),
      event: eventType,
      within: z
        .string()
        .default('P30D')
        .refine((v) => parseDuration(v) !== null, { error: 'is not a duration (expected e.g. P30D)' }),
      urlContains: z.string().optional(),
      model: z.enum(['last-touch', 'linear'], { error: 'expected last-touch or linear' }).default('last-touch'),
    }),
  )
  .default([]);

export type GoalFile = z.infer<typeof goalsSchema>[number];
