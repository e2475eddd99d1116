import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens for the links in every email. A token carries an opaque reference to one
 * message (an HMAC of the enrolment step, never a lead id or an address) and, for clicks, the
 * destination URL — so the click endpoint redirects only where the email said, never to a URL
 * that came from the request (no open redirect).
 */
export type LinkKind = 'unsubscribe' | 'click' | 'open' | 'confirm';

export interface LinkPayload {
  kind: LinkKind;
  /** The message reference (sends.ref). */
  ref: string;
  url?: string;
}

const KIND_CODES: Record<LinkKind, string> = { unsubscribe: 'u', click: 'c', open: 'o', confirm: 'k' };
const CODE_KINDS = Object.fromEntries(Object.entries(KIND_CODES).map(([k, v]) => [v, k])) as Record<
  string,
  LinkKind
>;

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 16);
}

export function signLink(secret: string, payload: LinkPayload): string {
  const body = Buffer.from(
    JSON.stringify([KIND_CODES[payload.kind], payload.ref, payload.url ?? '']),
  ).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The payload of a genuine token, or null for a forged, truncated or tampered one. */
export function verifyLink(secret: string, token: string): LinkPayload | null {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [code, ref, url] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [
      string,
      string,
      string,
    ];
    const kind = CODE_KINDS[code];
    if (!kind || typeof ref !== 'string') return null;
    return url ? { kind, ref, url } : { kind, ref };
  } catch {
    return null;
  }
}

/** The unguessable, stable reference of one enrolment step's message. */
export function messageRef(secret: string, leadId: number, sequenceId: string, stepId: string): string {
  return createHmac('sha256', secret).update(`${leadId}|${sequenceId}|${stepId}`).digest('hex').slice(0, 24);
}
