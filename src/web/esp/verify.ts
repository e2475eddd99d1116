import { createHash, createHmac, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import type { MailgunSignature } from './mailgun.js';
import { type SnsMessage, snsSigningString } from './sns.js';

/**
 * How each provider proves a request is its own. Each check returns undefined when the request
 * passes, else the reason it does not (answered with 401; nothing is stored).
 */

/** Compares two secrets in constant time (digests first, so different lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function fresh(timestampSeconds: string, now: number, maxAgeMs: number): string | undefined {
  const at = Number(timestampSeconds) * 1000;
  if (!Number.isFinite(at)) return `timestamp "${timestampSeconds}" is not a Unix time`;
  if (Math.abs(now - at) > maxAgeMs) return `timestamp ${new Date(at).toISOString()} is more than ${maxAgeMs / 60_000} minutes from now: a replay or a clock problem`;
  return undefined;
}

/** Mailgun: hex HMAC-SHA256 of timestamp + token under the webhook signing key, and a recent timestamp. */
export function checkMailgun(sig: MailgunSignature, signingKey: string, now: number, maxAgeMs: number): string | undefined {
  const expected = createHmac('sha256', signingKey).update(sig.timestamp + sig.token).digest('hex');
  if (!sameSecret(sig.signature.toLowerCase(), expected)) return 'the Mailgun signature does not match the signing key';
  return fresh(sig.timestamp, now, maxAgeMs);
}

/**
 * SendGrid's signed event webhook: an ECDSA (P-256, SHA-256) signature, base64 DER, over the
 * timestamp header followed by the raw body, checked with the verification key.
 */
export function checkSendgrid(
  headers: Headers,
  rawBody: Buffer,
  publicKey: KeyObject,
  now: number,
  maxAgeMs: number,
): string | undefined {
  const signature = headers.get('x-twilio-email-event-webhook-signature');
  const timestamp = headers.get('x-twilio-email-event-webhook-timestamp');
  if (!signature || !timestamp) return 'missing the X-Twilio-Email-Event-Webhook-Signature and -Timestamp headers (is "Signed Event Webhook" on?)';
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
  let ok = false;
  try {
    ok = verify('sha256', signed, publicKey, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) return 'the SendGrid signature does not match the verification key';
  return fresh(timestamp, now, maxAgeMs);
}

/** SNS: RSA over the signing string, SHA1 for SignatureVersion 1 and SHA256 for 2, with the configured certificate's key. */
export function checkSns(message: SnsMessage, publicKey: KeyObject): string | undefined {
  const algorithm = message.signatureVersion === '2' ? 'sha256' : message.signatureVersion === '1' ? 'sha1' : undefined;
  if (!algorithm) return `SignatureVersion ${message.signatureVersion} is not supported (expected 1 or 2)`;
  if (!message.signature) return 'Signature: missing';
  let ok = false;
  try {
    ok = verify(algorithm, Buffer.from(snsSigningString(message), 'utf8'), publicKey, Buffer.from(message.signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? undefined : 'the SNS signature does not match the configured certificate';
}

/**
 * A shared secret given as the last part of the URL (/webhooks/postmark/SECRET) or as the
 * password of HTTP Basic auth (https://user:SECRET@host/webhooks/postmark).
 */
export function checkSharedSecret(headers: Headers, urlSecret: string | undefined, expected: string, user?: string): string | undefined {
  if (urlSecret !== undefined) return sameSecret(urlSecret, expected) ? undefined : 'wrong secret in the webhook URL';
  const auth = headers.get('authorization') ?? '';
  if (!auth.startsWith('Basic ')) return 'missing credentials: put the secret at the end of the URL or use HTTP Basic auth';
  const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [name, password] = colon < 0 ? ['', decoded] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const userOk = user === undefined || sameSecret(name, user);
  return sameSecret(password, expected) && userOk ? undefined : 'wrong Basic auth credentials';
}
