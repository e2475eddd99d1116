import { randomUUID } from 'node:crypto';
import type { App } from '../app.js';
import { ConfirmationStore } from '../db/confirmations.js';
import { SignalStore } from '../db/signal-store.js';

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
export function messageOfRef(app: App, ref: string): { leadId: number; sendId?: number } | undefined {
  const send = app.stores.outbox.byRef(ref);
  if (send) return { leadId: send.leadId, sendId: send.id };
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
  const message = messageOfRef(app, ref);
  if (!message) return false;
  const now = app.clock.now();
  const properties: Record<string, string> = { ref };
  if (type !== 'unsubscribed') {
    properties.ua = (request.headers.get('user-agent') ?? '').slice(0, MAX_AGENT);
    properties.method = request.method;
  }
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
  const sqlite = app.conn.sqlite;
  sqlite.transaction(() => {
    app.stores.events.insertBatch([input], now);
    if (message.sendId !== undefined && type !== 'unsubscribed') signalsOf(app).reclassifySend(message.sendId);
  })();
  return true;
}
