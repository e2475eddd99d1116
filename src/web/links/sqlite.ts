import type { App } from '../../app.js';
import { ConfirmationStore } from '../../db/confirmations.js';
import { SignalStore } from '../../db/signal-store.js';
import type { LinkEvents } from '../../store/link-types.js';

/**
 * LinkEvents over the app's SQLite stores: each call is the synchronous store call it always was,
 * resolved at once — a handler's awaits on them yield to no other request, so a hit is atomic.
 */
export function sqliteLinkEvents(app: App): LinkEvents {
  const { stores } = app;
  const signals = new SignalStore(app.conn.sqlite);
  const confirmations = new ConfirmationStore(app.conn.sqlite);
  const links: LinkEvents = {
    atomically: (_ref, _type, fn) => fn(links),
    insertIfSettled: (e, ref, deliveredBy, quietSince, now) => Promise.resolve(stores.events.insertIfSettled(e, ref, deliveredBy, quietSince, now)),
    messageOfRef(ref) {
      const send = stores.outbox.byRef(ref);
      if (send) return Promise.resolve({ leadId: send.leadId, sendId: send.id, deliveredAt: send.sentAt });
      const confirmation = confirmations.byRef(ref);
      return Promise.resolve(confirmation ? { leadId: confirmation.leadId } : undefined);
    },
    insertOne: (e, now) => Promise.resolve(stores.events.insertOne(e, now)),
    hasSignalSince: (sendId, since) => Promise.resolve(signals.hasSignalSince(sendId, since)),
    insertAndReclassify(e, _ref, sendId, deliveredAt, now) {
      app.conn.sqlite.transaction(() => {
        stores.events.insertBatch([e], now);
        signals.reclassifySend(sendId, undefined, deliveredAt);
      })();
      return Promise.resolve();
    },
    suppress: (leadId, reason, at, evidence, now) => Promise.resolve(stores.leads.suppress(leadId, reason, at, evidence, now)),
    confirmByRef(ref, now, evidence) {
      const confirmation = confirmations.byRef(ref);
      if (!confirmation) return Promise.resolve('unknown');
      if (!stores.leads.confirmConsent(confirmation.leadId, now, evidence)) return Promise.resolve('refused');
      confirmations.markConfirmed(confirmation.id, now);
      return Promise.resolve('confirmed');
    },
  };
  return links;
}
