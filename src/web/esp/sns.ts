import { isObject, text } from './fields.js';

/** An Amazon SNS HTTP(S) message: a notification, or the subscription handshake. */
export interface SnsMessage {
  type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  messageId: string;
  topicArn: string;
  message: string;
  timestamp: string;
  subject?: string;
  subscribeUrl?: string;
  token?: string;
  signatureVersion: string;
  signature: string;
}

const TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);

/** Reads the SNS envelope (SNS posts it as text/plain JSON). */
export function parseSnsEnvelope(body: unknown): SnsMessage | string {
  if (!isObject(body)) return 'expected an Amazon SNS message (a JSON object with Type)';
  const type = text(body.Type);
  if (!TYPES.has(type)) return `Type: ${JSON.stringify(body.Type ?? null)} is not an SNS message type`;
  const out: SnsMessage = {
    type: type as SnsMessage['type'],
    messageId: text(body.MessageId),
    topicArn: text(body.TopicArn),
    message: typeof body.Message === 'string' ? body.Message : '',
    timestamp: text(body.Timestamp),
    subject: typeof body.Subject === 'string' ? body.Subject : undefined,
    subscribeUrl: text(body.SubscribeURL) || undefined,
    token: text(body.Token) || undefined,
    signatureVersion: text(body.SignatureVersion) || '1',
    signature: text(body.Signature),
  };
  const missing = (['messageId', 'topicArn', 'timestamp'] as const).filter((k) => !out[k]);
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  return out;
}

/**
 * The text SNS signs: named fields in byte order, each as "Name\nvalue\n". A notification signs
 * Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type; the handshakes sign
 * Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
 */
export function snsSigningString(m: SnsMessage): string {
  const fields: [string, string | undefined][] =
    m.type === 'Notification'
      ? [['Message', m.message], ['MessageId', m.messageId], ['Subject', m.subject], ['Timestamp', m.timestamp], ['TopicArn', m.topicArn], ['Type', m.type]]
      : [['Message', m.message], ['MessageId', m.messageId], ['SubscribeURL', m.subscribeUrl ?? ''], ['Timestamp', m.timestamp], ['Token', m.token ?? ''], ['TopicArn', m.topicArn], ['Type', m.type]];
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
}

/**
 * Whether a SubscribeURL may be fetched: https on SNS's own host, `sns.<region>.amazonaws.com`
 * (or `.amazonaws.com.cn`), so a forged handshake cannot make `serve` request anything else.
 */
export function isSnsSubscribeUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/.test(parsed.hostname)
  );
}
