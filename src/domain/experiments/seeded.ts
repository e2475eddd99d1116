import { createHash } from 'node:crypto';

/**
 * The seed of an experiment's randomness at one tick: the experiment's key and the tick's time,
 * hashed. The same database and `--at` give the same draws, so the same plan (invariant 6).
 */
export function tickSeed(experiment: string, at: number): number {
  const digest = createHash('sha256').update(`nurture-experiment-v1|${experiment}|${at}`).digest();
  // MT19937 seeds are positive 32-bit integers.
  return (digest.readUInt32BE(0) % 0xffff_fffe) + 1;
}
