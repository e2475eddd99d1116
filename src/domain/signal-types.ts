/** Types of the honest event ledger (see signals.ts). */

/** '' for events that are not opens or clicks. */
export type SignalClass = 'human' | 'machine' | '';

export interface Classification {
  signal: SignalClass;
  /** Why, in words a marketer reads in `explain` and the report ("Apple Mail Privacy Protection proxy"). */
  reason: string;
}

/**
 * What is kept of one open or click to classify it, now and on `nurture events reclassify`: the
 * user agent, the HTTP method, and the provider's own flags. Never an IP address.
 */
export interface SignalEvent {
  /** The event id (0 for one not stored yet). */
  id: number;
  type: 'email_opened' | 'email_clicked';
  at: number;
  url: string;
  /** Stored properties: `ua`, `method`, provider flags (`sg_machine_open`, `client-info.bot`, …). */
  properties: Readonly<Record<string, string>>;
}

/** One message's opens and clicks, with when it was delivered (null: not known, e.g. an import). */
export interface MessageSignals {
  deliveredAt: number | null;
  events: readonly SignalEvent[];
}
