import { createHash } from 'node:crypto';
import type { Allocations, Variant } from './types.js';
import { experimentKey } from './types.js';

/**
 * Variant assignment: a keyed hash of the address and the experiment (`sequence/step`), read as
 * a number in [0, 1) and laid over the arms' shares. The same lead gets the same arm in the
 * forecast, in every run and after a restart (invariant 14); the key differs per experiment, so
 * a lead's arm in one experiment says nothing of its arm in another (and nothing of its holdout
 * bucket, which uses another key). Example: shares a 0.5, b 0.5 and a bucket of 0.62 → b.
 */
const KEY = 'nurture-variant-v1';

export function variantBucket(email: string, experiment: string): number {
  const digest = createHash('sha256').update(`${KEY}|${experiment}|${email.trim().toLowerCase()}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** The configured split of a test: weights normalised. */
export function configuredShares(variants: readonly Variant[]): { id: string; share: number }[] {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  return variants.map((v) => ({ id: v.id, share: v.weight / total }));
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
