/**
 * A number in [0, 1) fixed for one key and scope: FNV-1a over "scope|key", finished with a
 * murmur3 mix. Not a secret (like holdout.ts's bucket it only has to be stable and uniform), and
 * cheap enough to call for every placement of a million leads, which a SHA-256 is not.
 */
export function keyedUnit(scope: string, key: string): number {
  let h = 0x811c9dc5;
  const text = `${scope}|${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}
