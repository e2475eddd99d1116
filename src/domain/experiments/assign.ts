import type { Allocations, Variant } from './types.js';
import { experimentKey } from './types.js';

/**
 * Variant assignment: a keyed hash of the address and the experiment (`sequence/step`), read as
 * a number in [0, 1) and laid over the arms' shares. The same lead gets the same arm in the
 * forecast, in every run and after a restart (invariant 14); the key differs per experiment, so
 * a lead's arm in one experiment says nothing of its arm in another (and nothing of its holdout
 * bucket, which uses another key). Example: shares a 0.5, b 0.5 and a bucket of 0.62 → b.
 *
 * Unlike the holdout (hashed once, at enrolment), the arm is read at every planning of a touch
 * of the step — every hourly run and every forecast tick — so the hash is cyrb53 (two
 * multiply-xorshift lanes, 53 bits) rather than SHA-256: about 0.1 µs against 5–15 µs for
 * node:crypto here. Nothing secret rides on it; the uniformity and independence the assignment
 * needs are checked in test/experiments/bandit-and-assignment.test.ts.
 */
const KEY = 'nurture-variant-v1';

export function variantBucket(email: string, experiment: string): number {
  return cyrb53(`${KEY}|${experiment}|${email.trim().toLowerCase()}`) / 2 ** 53;
}

/** cyrb53 by bryc (public domain): a fast 53-bit string hash with good avalanche. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const configured = new WeakMap<readonly Variant[], { id: string; share: number }[]>();

/** The configured split of a test: weights normalised (once per step's variants). */
export function configuredShares(variants: readonly Variant[]): { id: string; share: number }[] {
  let shares = configured.get(variants);
  if (!shares) {
    const total = variants.reduce((sum, v) => sum + v.weight, 0);
    configured.set(variants, (shares = variants.map((v) => ({ id: v.id, share: v.weight / total }))));
  }
  return shares;
}

/** The arm a bucket falls in; the last arm with a share takes what rounding leaves. */
export function pickShare(bucket: number, shares: readonly { id: string; share: number }[]): string {
  let edge = 0;
  let last = shares[0]!.id;
  for (const s of shares) {
    if (s.share <= 0) continue;
    last = s.id;
    edge += s.share;
    if (bucket < edge) return s.id;
  }
  return last;
}

/** The variant of a lead for a step with variants, under the allocation of this run (or the configured weights). */
export function assignVariant(
  sequenceId: string,
  stepId: string,
  variants: readonly Variant[],
  email: string,
  allocations: Allocations | undefined,
): Variant {
  const key = experimentKey(sequenceId, stepId);
  const shares = allocations?.[key] ?? configuredShares(variants);
  const id = pickShare(variantBucket(email, key), shares);
  return variants.find((v) => v.id === id) ?? variants[0]!;
}
