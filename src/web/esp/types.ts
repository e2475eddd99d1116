import type { KeyObject } from 'node:crypto';
import type { EventType } from '../../domain/types.js';

export const ESP_PROVIDERS = ['sendgrid', 'postmark', 'mailgun', 'ses'] as const;
export type EspProvider = (typeof ESP_PROVIDERS)[number];

/** One provider event in our vocabulary, before it is matched to a send and stored. */
export interface EspEvent {
  /** The provider's own id for this event: a replay of it is stored once. */
  eventId: string;
  email: string;
  type: EventType;
  occurredAt: number;
  url: string;
  /** The Message-ID the provider reports (ours when the message went out through its SMTP relay). */
  messageId?: string;
  /** Kept with the event (bounce type, SMTP status, machine open, bot…). Never an IP address. */
  properties: Record<string, string>;
}

/**
 * What one item of a provider's request became: an event, an item we do not store (a delivery
 * notice, a resubscription), or a malformed item, with the item's 1-based position.
 */
export type EspItem =
  | { kind: 'event'; item: string; event: EspEvent }
  | { kind: 'ignored'; item: string; reason: string }
  | { kind: 'bad'; item: string; reason: string };

/** The webhook settings `serve` resolved from nurture.yaml and the environment (secrets read, keys parsed). */
export interface EspSettings {
  sendgrid?: { publicKey?: KeyObject; secret?: string; maxAgeMs: number };
  mailgun?: { signingKey: string; maxAgeMs: number };
  postmark?: { secret: string; user?: string };
  ses?: { certificate?: KeyObject; secret?: string; topicArns: string[]; autoConfirm: boolean };
}

/** Fetches an SNS SubscribeURL (GET) and returns the HTTP status. */
export type SubscriptionConfirmer = (url: string) => Promise<number>;

export interface EspRouteDeps {
  settings: EspSettings;
  /** Where operator notices go (the SNS SubscribeURL, bad items): `serve` prints them on stderr. */
  log: (line: string) => void;
  confirmSubscription: SubscriptionConfirmer;
}
