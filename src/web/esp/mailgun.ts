import type { EspItem } from './types.js';
import { address, fromUnixSeconds, isObject, messageIdOf, props, text } from './fields.js';

export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/** The `signature` block of a Mailgun webhook (JSON form), or a reason it is not one. */
export function mailgunSignature(body: unknown): MailgunSignature | string {
  if (!isObject(body) || !isObject(body.signature)) return 'missing the "signature" object Mailgun signs every webhook with';
  const s = body.signature;
  const out = { timestamp: text(s.timestamp), token: text(s.token), signature: text(s.signature) };
  return out.timestamp && out.token && out.signature ? out : 'signature: timestamp, token and signature are all required';
}

/**
 * Mailgun's webhooks (JSON, one event per request: `{ signature, "event-data" }`). `failed`
 * with severity `permanent` is a hard bounce, `temporary` a soft one; `client-info.bot` (a
 * link scanner or an Apple privacy proxy) is kept with opens and clicks.
 */
export function parseMailgun(body: unknown): EspItem[] | string {
  if (!isObject(body) || !isObject(body['event-data'])) return 'expected a Mailgun webhook ({ signature, "event-data" })';
  const data = body['event-data'];
  const item = '1';
  const event = text(data.event);
  if (!event) return [{ kind: 'bad', item, reason: 'event-data.event: missing' }];
  const email = address(data.recipient);
  if (!email) return [{ kind: 'bad', item, reason: `event-data.recipient: ${JSON.stringify(data.recipient ?? null)} is not an address` }];
  const occurredAt = fromUnixSeconds(data.timestamp);
  if (occurredAt === undefined) return [{ kind: 'bad', item, reason: `event-data.timestamp: ${JSON.stringify(data.timestamp ?? null)} is not a Unix time` }];
  const eventId = text(data.id);
  if (!eventId) return [{ kind: 'bad', item, reason: 'event-data.id: missing' }];
  const message = isObject(data.message) ? data.message : {};
  const headers = isObject(message.headers) ? message.headers : {};
  const base = { eventId, email, occurredAt, url: '', messageId: messageIdOf(headers['message-id']) };
  const clientInfo = isObject(data['client-info']) ? data['client-info'] : {};
  const status = isObject(data['delivery-status']) ? data['delivery-status'] : {};
  switch (event) {
    case 'failed': {
      const permanent = text(data.severity) === 'permanent';
      return [
        {
          kind: 'event',
          item,
          event: {
            ...base,
            type: permanent ? 'bounced' : 'soft_bounced',
            properties: props({
              provider: 'mailgun',
              bounceType: permanent ? 'hard' : 'soft',
              reason: text(data.reason),
              code: text(status.code),
              status: text(status['enhanced-code']),
              description: text(status.description) || text(status.message),
            }),
          },
        },
      ];
    }
    case 'complained':
      return [{ kind: 'event', item, event: { ...base, type: 'complained', properties: { provider: 'mailgun' } } }];
    case 'unsubscribed':
      return [{ kind: 'event', item, event: { ...base, type: 'unsubscribed', properties: { provider: 'mailgun' } } }];
    case 'opened':
    case 'clicked':
      return [
        {
          kind: 'event',
          item,
          event: {
            ...base,
            type: event === 'opened' ? 'email_opened' : 'email_clicked',
            url: event === 'clicked' ? text(data.url) : '',
            properties: props({ provider: 'mailgun', bot: text(clientInfo.bot), ua: text(clientInfo['user-agent']) }),
          },
        },
      ];
    default:
      return [{ kind: 'ignored', item, reason: `event "${event}" is not recorded` }];
  }
}
