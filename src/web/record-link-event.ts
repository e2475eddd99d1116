import { randomUUID } from 'node:crypto';
import type { App } from '../app.js';
import { ConfirmationStore } from '../db/confirmations.js';
import { SignalStore } from '../db/signal-store.js';
import { classifyIfIndependent, RECENT_MS, SETTLED_AFTER_DELIVERY_MS } from '../domain/signal-alone.js';
import { classifyAlone } from '../domain/signals.js';

/** One SignalStore (its prepared statements) per database connection. */
const signalStores = new WeakMap<object, SignalStore>();
const signalsOf = (app: App) => {
  let store = signalStores.get(app.conn.sqlite);
  if (!store) signalStores.set(app.conn.sqlite, (store = new SignalStore(app.conn.sqlite)));
  return store;
};

/** User agents are kept (trimmed) so `nurture events reclassify` can judge again; IP addresses never are. */
const MAX_AGENT = 300;

/** Which message a reference belongs to: a nurture send (with its id) or a double opt-in email. */
export function messageOfRef(app: App, ref: string): { leadId: number; sendId?: number; deliveredAt?: number | null } | undefined {
  const send = app.stores.outbox.byRef(ref);
  if (send) return { leadId: send.leadId, sendId: send.id, deliveredAt: send.sentAt };
  const confirmation = new ConfirmationStore(app.conn.sqlite).byRef(ref);
  return confirmation ? { leadId: confirmation.leadId } : undefined;
}

/**
 * Records an open, click or unsubscribe from a link endpoint. An open or click is classified at
 * once with its message's other opens and clicks (src/domain/signals.ts) — a second click in the
 * same second turns the first into a scanner click too — and keeps what the classification read:
 * the user agent and the HTTP method.
 */
export function recordLinkEvent(
  app: App,
  request: Request,
  type: 'email_clicked' | 'email_opened' | 'unsubscribed',
  ref: string,
  url = '',
): boolean {
  const now = app.clock.now();
  const properties: Record<string, string> = { ref };
  if (type !== 'unsubscribed') {
    properties.ua = (request.headers.get('user-agent') ?? '').slice(0, MAX_AGENT);
    properties.method = request.method;
    // The common case, a message delivered a while ago: classified from the request alone, and
    // the message found by the insert itself (signal-alone.ts, SETTLED_AFTER_DELIVERY_MS).
    const alone = classifyAlone({ id: Number.MAX_SAFE_INTEGER, type, at: now, url, properties });
    const settled = app.stores.events.insertIfSettled(
      { type, occurredAt: now, url, properties, dedupeKey: `link:${randomUUID()}`, source: `link ${ref}`, signal: alone.signal, signalReason: alone.reason },
      ref,
      now - SETTLED_AFTER_DELIVERY_MS[type],
      type === 'email_clicked' ? now - RECENT_MS : undefined,
      now,
    );
    if (settled) return true;
  }
  const message = messageOfRef(app, ref);
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
    app.stores.events.insertOne(input, now);
    return true;
  }
  // The send row read for the ref feeds the classifier; the message's other opens and clicks are
  // read only when they can change the answer (a click within a second of another, an open at delivery).
  const signals = signalsOf(app);
  const deliveredAt = message.deliveredAt ?? null;
  const alone = classifyIfIndependent(
    { id: Number.MAX_SAFE_INTEGER, type, at: now, url, properties },
    deliveredAt,
    type === 'email_clicked' && signals.hasSignalSince(sendId, now - RECENT_MS),
  );
  if (alone) {
    app.stores.events.insertOne({ ...input, signal: alone.signal, signalReason: alone.reason }, now);
    return true;
  }
  app.conn.sqlite.transaction(() => {
    app.stores.events.insertBatch([input], now);
    signals.reclassifySend(sendId, undefined, deliveredAt);
  })();
  return true;
}
