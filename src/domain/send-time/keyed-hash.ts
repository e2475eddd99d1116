/**
 * Numbers in [0, 1) fixed for one key and scope: FNV-1a over the scope and the parts (with a
 * separator between them), finished with a murmur3 mix. Not a secret (like holdout.ts's bucket it
 * only has to be stable and uniform), and cheap enough to call for every placement of a million
 * leads: no SHA-256, and no string built to hash.
 */
export function keyedUnit(scope: string, ...parts: readonly (string | number)[]): number {
  let h = feed(0x811c9dc5, scope);
  for (const part of parts) h = feed(Math.imul(h ^ 0x7c, 0x01000193), typeof part === 'number' ? String(part) : part);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

function feed(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}
