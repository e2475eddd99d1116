import { randomUUID } from 'node:crypto';
import { classifyIfIndependent, RECENT_MS, SETTLED_AFTER_DELIVERY_MS } from '../domain/signal-alone.js';
import { classifyAlone } from '../domain/signals.js';
import type { LinkEvents } from '../store/link-types.js';

/** User agents are kept (trimmed) so `nurture events reclassify` can judge again; IP addresses never are. */
const MAX_AGENT = 300;

/**
 * Records an open, click or unsubscribe from a link endpoint. An open or click is classified at
 * once with its message's other opens and clicks (src/domain/signals.ts) — a second click in the
 * same second turns the first into a scanner click too — and keeps what the classification read:
 * the user agent and the HTTP method. The same steps on either database (`links`).
 */
export async function recordLinkEvent(
  store: LinkEvents,
  now: number,
  request: Request,
  type: 'email_clicked' | 'email_opened' | 'unsubscribed',
  ref: string,
  url = '',
): Promise<boolean> {
  const properties: Record<string, string> = { ref };
  if (type !== 'unsubscribed') {
    properties.ua = (request.headers.get('user-agent') ?? '').slice(0, MAX_AGENT);
    properties.method = request.method;
  }
  return store.atomically(ref, type, async (links) => {
    if (type !== 'unsubscribed') {
      // The common case, a message delivered a while ago: classified from the request alone, and
      // the message found by the insert itself (signal-alone.ts, SETTLED_AFTER_DELIVERY_MS).
      const alone = classifyAlone({ id: Number.MAX_SAFE_INTEGER, type, at: now, url, properties });
      const settled = await links.insertIfSettled(
        { type, occurredAt: now, url, properties, dedupeKey: `link:${randomUUID()}`, source: `link ${ref}`, signal: alone.signal, signalReason: alone.reason },
        ref,
        now - SETTLED_AFTER_DELIVERY_MS[type],
        type === 'email_clicked' ? now - RECENT_MS : undefined,
        now,
      );
      if (settled) return true;
    }
    const message = await links.messageOfRef(ref);
    if (!message) return false;
    const input = {
      leadId: message.leadId,
      type,
      occurredAt: now,
      url,
      properties,
      dedupeKey: `link:${randomUUID()}`,
      source: `link ${ref}`,
      ...(message.sendId === undefined ? {} : { sendId: message.sendId }),
    };
    const { sendId } = message;
    if (sendId === undefined || type === 'unsubscribed') {
      await links.insertOne(input, now);
      return true;
    }
    // The send row read for the ref feeds the classifier; the message's other opens and clicks are
    // read only when they can change the answer (a click within a second of another, an open at delivery).
    const deliveredAt = message.deliveredAt ?? null;
    const alone = classifyIfIndependent(
      { id: Number.MAX_SAFE_INTEGER, type, at: now, url, properties },
      deliveredAt,
      type === 'email_clicked' && (await links.hasSignalSince(sendId, now - RECENT_MS)),
    );
    if (alone) {
      await links.insertOne({ ...input, signal: alone.signal, signalReason: alone.reason }, now);
      return true;
    }
    await links.insertAndReclassify(input, ref, sendId, deliveredAt, now);
    return true;
  });
}
