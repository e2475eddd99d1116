import { z } from 'zod';
import { parseDuration } from '../time/duration.js';

// Schema pieces shared by schema.ts and the condition language (conditions/schema.ts).

/** An object that rejects unknown keys, naming them, the likely intended key, and the keys that are allowed. */
export function strict<T extends z.ZodRawShape>(shape: T) {
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
export function closest(key: string, allowed: string[]): string | undefined {
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

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
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

export const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: 'expected lowercase letters, digits and dashes, e.g. new-signups',
});

/** `10%` (or 0.1): a share of at most a half, named `what` in the error ("a holdout share"). */
export function shareSchema(what: string) {
  return z
    .union([z.string(), z.number()], { error: 'expected a share such as 10%' })
    .transform((value, ctx) => {
      const text = String(value).trim();
      const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
      const share = m ? Number(m[1]) / 100 : Number(text);
      if (!Number.isFinite(share) || share < 0 || share > 0.5 || (!m && text === '')) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not ${what} (expected e.g. 10%, at most 50%)` });
        return z.NEVER;
      }
      return share;
    });
}
