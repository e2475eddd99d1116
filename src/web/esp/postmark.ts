import type { EspEvent, EspItem } from './types.js';
import { address, fromIso, isObject, props, text } from './fields.js';

/** Postmark bounce types that say the address is gone for good. */
const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
/** Replies that are not delivery failures at all. */
const NOT_FAILURES = new Set(['AutoResponder', 'Subscribe', 'AddressChange', 'OpenRelayTest', 'ChallengeVerification']);

/**
 * Postmark posts one record per request. Its `MessageID` is Postmark's own id, not our
 * Message-ID header, so a Postmark event is matched to our send by recipient and time (see
 * store.ts); the id is kept as `postmarkMessageId`.
 */
export function parsePostmark(body: unknown): EspItem[] | string {
  if (!isObject(body)) return 'expected a Postmark webhook record (a JSON object with RecordType)';
  const item = '1';
  const record = text(body.RecordType);
  switch (record) {
    case 'Bounce':
    case 'SpamComplaint':
      return [bounce(body, item, record)];
    case 'SubscriptionChange':
      return [subscriptionChange(body, item)];
    case 'Open':
    case 'Click':
      return [openOrClick(body, item, record)];
    case '':
      return [{ kind: 'bad', item, reason: 'RecordType: missing' }];
    default:
      return [{ kind: 'ignored', item, reason: `RecordType "${record}" is not recorded` }];
  }
}

function bounce(body: Record<string, unknown>, item: string, record: string): EspItem {
  const email = address(body.Email);
  if (!email) return { kind: 'bad', item, reason: `Email: ${JSON.stringify(body.Email ?? null)} is not an address` };
  const occurredAt = fromIso(body.BouncedAt);
  if (occurredAt === undefined) return { kind: 'bad', item, reason: `BouncedAt: ${JSON.stringify(body.BouncedAt ?? null)} is not an ISO 8601 date-time` };
  const id = text(body.ID);
  if (!id) return { kind: 'bad', item, reason: 'ID: missing' };
  const kind = text(body.Type);
  if (NOT_FAILURES.has(kind)) return { kind: 'ignored', item, reason: `bounce type "${kind}" is not a delivery failure` };
  const base = { eventId: `bounce:${id}`, email, occurredAt, url: '' };
  const common = { provider: 'postmark', postmarkMessageId: text(body.MessageID), postmarkType: kind, details: text(body.Details), inactive: typeof body.Inactive === 'boolean' ? String(body.Inactive) : undefined };
  let event: EspEvent;
  if (record === 'SpamComplaint' || kind === 'SpamComplaint') event = { ...base, type: 'complained', properties: props(common) };
  else if (kind === 'Unsubscribe') event = { ...base, type: 'unsubscribed', properties: props(common) };
  else if (HARD.has(kind)) event = { ...base, type: 'bounced', properties: props({ ...common, bounceType: 'hard' }) };
  else event = { ...base, type: 'soft_bounced', properties: props({ ...common, bounceType: 'soft' }) };
  return { kind: 'event', item, event };
}

/**
 * An address added to a Postmark suppression list: a hard bounce, a spam complaint or a manual
 * suppression (which is how Postmark records a recipient's unsubscribe). A reactivation
 * (`SuppressSending: false`) is not a new opt-in, so it never raises the lead's consent.
 */
function subscriptionChange(body: Record<string, unknown>, item: string): EspItem {
  const email = address(body.Recipient);
  if (!email) return { kind: 'bad', item, reason: `Recipient: ${JSON.stringify(body.Recipient ?? null)} is not an address` };
  const occurredAt = fromIso(body.ChangedAt);
  if (occurredAt === undefined) return { kind: 'bad', item, reason: `ChangedAt: ${JSON.stringify(body.ChangedAt ?? null)} is not an ISO 8601 date-time` };
  if (body.SuppressSending !== true)
    return { kind: 'ignored', item, reason: `reactivation of ${email} in Postmark: only a new opt-in resubscribes a lead` };
  const reason = text(body.SuppressionReason);
  const type = reason === 'HardBounce' ? 'bounced' : reason === 'SpamComplaint' ? 'complained' : 'unsubscribed';
  return {
    kind: 'event',
    item,
    event: {
      eventId: `subscription:${email}:${text(body.ChangedAt)}`,
      email,
      occurredAt,
      url: '',
      type,
      properties: props({
        provider: 'postmark',
        postmarkMessageId: text(body.MessageID),
        suppressionReason: reason,
        origin: text(body.Origin),
        bounceType: type === 'bounced' ? 'hard' : undefined,
      }),
    },
  };
}

/**
 * An open or a click. Postmark gives no event id, so the message, the moment and (for a click)
 * the link make one. Its user agent is kept as `ua` for the classifier (Apple's privacy proxy,
 * gateways' prefetch and link scanners); Postmark's Geo and IP are not stored.
 */
function openOrClick(body: Record<string, unknown>, item: string, record: 'Open' | 'Click'): EspItem {
  const email = address(body.Recipient);
  if (!email) return { kind: 'bad', item, reason: `Recipient: ${JSON.stringify(body.Recipient ?? null)} is not an address` };
  const occurredAt = fromIso(body.ReceivedAt);
  if (occurredAt === undefined) return { kind: 'bad', item, reason: `ReceivedAt: ${JSON.stringify(body.ReceivedAt ?? null)} is not an ISO 8601 date-time` };
  const messageId = text(body.MessageID);
  if (!messageId) return { kind: 'bad', item, reason: 'MessageID: missing' };
  const url = record === 'Click' ? text(body.OriginalLink) : '';
  if (record === 'Click' && !url) return { kind: 'bad', item, reason: 'OriginalLink: missing' };
  const client = isObject(body.Client) ? text(body.Client.Name) : '';
  return {
    kind: 'event',
    item,
    event: {
      eventId: `${record.toLowerCase()}:${messageId}:${text(body.ReceivedAt)}${url ? `:${url}` : ''}`,
      email,
      occurredAt,
      url,
      type: record === 'Open' ? 'email_opened' : 'email_clicked',
      properties: props({
        provider: 'postmark',
        postmarkMessageId: messageId,
        ua: text(body.UserAgent),
        platform: text(body.Platform),
        client,
        firstOpen: typeof body.FirstOpen === 'boolean' ? String(body.FirstOpen) : undefined,
      }),
    },
  };
}
