import { classifyMessage } from '../domain/signals.js';
import type { SignalClass, SignalEvent } from '../domain/signal-types.js';

/** One stored open or click of a message, as both stores read it (properties as stored JSON text). */
export type SignalRow = { id: number; type: SignalEvent['type']; at: number; url: string; properties: string; signal: SignalClass; reason: string };

export const toSignal = (r: SignalRow): SignalEvent => ({
  id: r.id,
  type: r.type,
  at: r.at,
  url: r.url,
  properties: JSON.parse(r.properties) as Record<string, string>,
});

/**
 * One message's opens and clicks classified together (signals.ts classifyMessage): each row with
 * its new class, and whether that differs from what is stored — what both stores write back.
 */
export function reclassifyRows(rows: readonly SignalRow[], deliveredAt: number | null): { row: SignalRow; signal: SignalClass; reason: string; changed: boolean }[] {
  const events = rows.map(toSignal);
  const classes = classifyMessage({ deliveredAt, events });
  return rows.map((row, i) => {
    const c = classes.get(events[i]!)!;
    return { row, signal: c.signal, reason: c.reason, changed: c.signal !== row.signal || c.reason !== row.reason };
  });
}
