/**
 * One colour per sequence, the same on every page and chart: each id hashes to a slot of a
 * fixed palette (FNV-1a), and a later id (in sorted order) that lands on a taken slot takes the
 * next free one, so the sequences of one workspace never share a colour while there are fewer
 * than the palette holds. Adding a sequence moves no colour but, rarely, one that collided.
 */
export const PALETTE = [
  '#2f6fb3', '#d9822b', '#3a9a5b', '#c23b3b', '#7d5ba6', '#8c6d46',
  '#d46aa8', '#5f6b7a', '#a3a322', '#1f9fb0', '#e0a400', '#4b4fc4',
] as const;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function sequenceColours(ids: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<number>();
  for (const id of [...new Set(ids)].sort()) {
    let slot = fnv1a(id) % PALETTE.length;
    for (let tries = 0; taken.has(slot) && tries < PALETTE.length; tries++) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    out.set(id, PALETTE[slot]!);
  }
  return out;
}

/** The colour of one sequence among the workspace's; an unknown id gets its hash slot. */
export function colourOf(colours: ReadonlyMap<string, string>, id: string): string {
  return colours.get(id) ?? PALETTE[fnv1a(id) % PALETTE.length]!;
}

/** A small square of the colour, as SVG (a presentation attribute: no inline style for the CSP). */
export const swatch = (colour: string) =>
  `<svg class="swatch" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${colour}"/></svg>`;
