import type { EspItem } from './types.js';
import { address, fromIso, isObject, messageIdOf, props, text } from './fields.js';

/**
 * An Amazon SES notification (the `Message` of an SNS notification): a bounce or a complaint,
 * one event per recipient. SES's `notificationType` (identity notifications) and `eventType`
 * (configuration-set event publishing) are both read. Only a `Permanent` bounce is hard; a
 * `Transient` or `Undetermined` one is stored as a soft bounce and suppresses nothing.
 */
export function parseSes(message: string): EspItem[] | string {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return 'Message: not JSON (expected an Amazon SES notification)';
  }
  if (!isObject(body)) return 'Message: expected an Amazon SES notification object';
  const kind = text(body.notificationType) || text(body.eventType);
  const mail = isObject(body.mail) ? body.mail : {};
  const common = isObject(mail.commonHeaders) ? mail.commonHeaders : {};
  const messageId = messageIdOf(common.messageId);
  const sesMessageId = text(mail.messageId);
  if (kind === 'Bounce') {
    const bounce = isObject(body.bounce) ? body.bounce : undefined;
    if (!bounce || !Array.isArray(bounce.bouncedRecipients)) return [{ kind: 'bad', item: '1', reason: 'bounce.bouncedRecipients: missing' }];
    const occurredAt = fromIso(bounce.timestamp);
    const sesType = text(bounce.bounceType);
    const hard = sesType === 'Permanent';
    return bounce.bouncedRecipients.map((r, i): EspItem => {
      const item = `1.${i + 1}`;
      const email = isObject(r) ? address(r.emailAddress) : undefined;
      if (!email) return { kind: 'bad', item, reason: `bounce.bouncedRecipients[${i}].emailAddress: not an address` };
      if (occurredAt === undefined) return { kind: 'bad', item, reason: `bounce.timestamp: ${JSON.stringify(bounce.timestamp ?? null)} is not an ISO 8601 date-time` };
      const recipient = r as Record<string, unknown>;
      return {
        kind: 'event',
        item,
        event: {
          eventId: `${text(bounce.feedbackId) || sesMessageId}:${email}`,
          email,
          occurredAt,
          url: '',
          messageId,
          type: hard ? 'bounced' : 'soft_bounced',
          properties: props({
            provider: 'ses',
            bounceType: hard ? 'hard' : 'soft',
            sesBounceType: sesType,
            bounceSubType: text(bounce.bounceSubType),
            status: text(recipient.status),
            diagnosticCode: text(recipient.diagnosticCode),
            sesMessageId,
          }),
        },
      };
    });
  }
  if (kind === 'Complaint') {
    const complaint = isObject(body.complaint) ? body.complaint : undefined;
    if (!complaint || !Array.isArray(complaint.complainedRecipients)) return [{ kind: 'bad', item: '1', reason: 'complaint.complainedRecipients: missing' }];
    const occurredAt = fromIso(complaint.timestamp);
    return complaint.complainedRecipients.map((r, i): EspItem => {
      const item = `1.${i + 1}`;
      const email = isObject(r) ? address(r.emailAddress) : undefined;
      if (!email) return { kind: 'bad', item, reason: `complaint.complainedRecipients[${i}].emailAddress: not an address` };
      if (occurredAt === undefined) return { kind: 'bad', item, reason: `complaint.timestamp: ${JSON.stringify(complaint.timestamp ?? null)} is not an ISO 8601 date-time` };
      return {
        kind: 'event',
        item,
        event: {
          eventId: `${text(complaint.feedbackId) || sesMessageId}:${email}`,
          email,
          occurredAt,
          url: '',
          messageId,
          type: 'complained',
          properties: props({ provider: 'ses', feedbackType: text(complaint.complaintFeedbackType), sesMessageId }),
        },
      };
    });
  }
  if (!kind) return [{ kind: 'bad', item: '1', reason: 'notificationType: missing' }];
  return [{ kind: 'ignored', item: '1', reason: `SES ${kind} notifications are not recorded` }];
}
