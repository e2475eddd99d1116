import type { EspItem } from './types.js';
import { address, fromUnixSeconds, isObject, messageIdOf, props, text } from './fields.js';

/** SendGrid events Nurture does not store: SendGrid is still trying, or the mail arrived. */
const NOT_RECORDED = new Set(['processed', 'deferred', 'delivered', 'group_resubscribe']);

/**
 * A `dropped` event names why SendGrid did not even try: an address on its bounce or spam list
 * is as final as the bounce that put it there; anything else (message too large, …) is not a
 * verdict on the address.
 */
function dropVerdict(reason: string): { type: 'bounced' | 'complained' | 'unsubscribed' | 'soft_bounced'; bounceType?: string } {
  if (/bounced address|invalid/i.test(reason)) return { type: 'bounced', bounceType: 'hard' };
  if (/spam report/i.test(reason)) return { type: 'complained' };
  if (/unsubscribed/i.test(reason)) return { type: 'unsubscribed' };
  return { type: 'soft_bounced', bounceType: 'soft' };
}

/**
 * SendGrid's event webhook: a JSON array of events
 * (`{ email, timestamp, event, sg_event_id, sg_message_id, "smtp-id", reason, status, type, url, sg_machine_open, … }`).
 * A `bounce` of type `blocked` is temporary (a soft bounce); a `bounce` proper is permanent.
 */
export function parseSendgrid(body: unknown): EspItem[] | string {
  if (!Array.isArray(body)) return 'expected a JSON array of SendGrid events';
  return body.map((raw, i): EspItem => {
    const item = String(i + 1);
    if (!isObject(raw)) return { kind: 'bad', item, reason: 'expected a JSON object' };
    const event = text(raw.event);
    if (!event) return { kind: 'bad', item, reason: 'event: missing' };
    if (NOT_RECORDED.has(event)) return { kind: 'ignored', item, reason: `event "${event}" is not recorded` };
    const email = address(raw.email);
    if (!email) return { kind: 'bad', item, reason: `email: ${JSON.stringify(raw.email ?? null)} is not an address` };
    const occurredAt = fromUnixSeconds(raw.timestamp);
    if (occurredAt === undefined) return { kind: 'bad', item, reason: `timestamp: ${JSON.stringify(raw.timestamp ?? null)} is not a Unix time` };
    const eventId = text(raw.sg_event_id);
    if (!eventId) return { kind: 'bad', item, reason: 'sg_event_id: missing' };
    const base = { eventId, email, occurredAt, url: '', messageId: messageIdOf(raw['smtp-id']) };
    const common = { provider: 'sendgrid', sgMessageId: text(raw.sg_message_id) || undefined };
    const reason = text(raw.reason);
    switch (event) {
      case 'bounce': {
        const soft = text(raw.type) === 'blocked';
        return {
          kind: 'event',
          item,
          event: {
            ...base,
            type: soft ? 'soft_bounced' : 'bounced',
            properties: props({ ...common, bounceType: soft ? 'soft' : 'hard', status: text(raw.status), reason, classification: text(raw.bounce_classification) }),
          },
        };
      }
      case 'dropped': {
        const verdict = dropVerdict(reason);
        return { kind: 'event', item, event: { ...base, type: verdict.type, properties: props({ ...common, dropped: 'true', bounceType: verdict.bounceType, reason }) } };
      }
      case 'spamreport':
        return { kind: 'event', item, event: { ...base, type: 'complained', properties: props(common) } };
      case 'unsubscribe':
      case 'group_unsubscribe':
        return { kind: 'event', item, event: { ...base, type: 'unsubscribed', properties: props({ ...common, via: event, asmGroupId: text(raw.asm_group_id) }) } };
      case 'open':
        return {
          kind: 'event',
          item,
          event: { ...base, type: 'email_opened', properties: props({ ...common, ua: text(raw.useragent), machineOpen: typeof raw.sg_machine_open === 'boolean' ? String(raw.sg_machine_open) : undefined }) },
        };
      case 'click':
        return { kind: 'event', item, event: { ...base, type: 'email_clicked', url: text(raw.url), properties: props({ ...common, ua: text(raw.useragent) }) } };
      default:
        return { kind: 'ignored', item, reason: `event "${event}" is not recorded` };
    }
  });
}
