import type { EventInput } from '../db/events.js';
import type { SignalClass } from '../domain/signal-types.js';

/** The message behind a link's ref: a nurture send (with its id and delivery time) or a double opt-in email. */
export interface MessageOfRef {
  leadId: number;
  sendId?: number;
  deliveredAt?: number | null;
}

/** An open or click already classified from the request alone, for the one-statement insert by ref. */
export type SettledSignal = Omit<EventInput, 'leadId' | 'sendId' | 'externalId'> & {
  type: 'email_opened' | 'email_clicked';
  signal: SignalClass;
};

export type ConfirmOutcome = 'unknown' | 'refused' | 'confirmed';

/**
 * What the link endpoints read and write, on either database, at the granularity of one request
 * (src/web/links/sqlite.ts wraps the synchronous SQLite stores; src/store/pg/link-events.ts speaks
 * to PostgreSQL). The decisions stay in record-link-event.ts and link-routes.ts.
 */
export interface LinkEvents {
  /**
   * Runs one link hit's reads and writes so that no other hit of the same message interleaves
   * with them (a burst of concurrent scanner clicks is judged as a whole). SQLite's handlers do
   * not interleave; PostgreSQL serialises clicks of one message with a transaction lock.
   */
  atomically<T>(ref: string, type: EventInput['type'], fn: (links: LinkEvents) => Promise<T>): Promise<T>;
  /** EventStore.insertIfSettled: one statement that finds the message by ref; false when not settled. */
  insertIfSettled(e: SettledSignal, ref: string, deliveredBy: number, quietSince: number | undefined, now: number): Promise<boolean>;
  messageOfRef(ref: string): Promise<MessageOfRef | undefined>;
  /** Inserts one event (duplicates by dedupe key ignored); whether it was new. */
  insertOne(e: EventInput, now: number): Promise<boolean>;
  /** Whether the message has an open or click after `since`. */
  hasSignalSince(sendId: number, since: number): Promise<boolean>;
  /** Inserts an open or click and reclassifies its message's opens and clicks together, atomically. */
  insertAndReclassify(e: EventInput, ref: string, sendId: number, deliveredAt: number | null, now: number): Promise<void>;
  /** LeadStore.suppress: never mailed again, the earliest reason wins; an unsubscribe also moves consent, logged. */
  suppress(leadId: number, reason: string, at: number, evidence: string, now: number): Promise<void>;
  /** Double opt-in by the confirmation email's ref: pending → confirmed (logged), never for a suppressed address. */
  confirmByRef(ref: string, now: number, evidence: string): Promise<ConfirmOutcome>;
}
