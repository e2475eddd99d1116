import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens for the links in every email. A token carries an opaque reference to one
 * message (an HMAC of the enrolment step, never a lead id or an address), an expiry, and, for
 * clicks, the destination URL — so the click endpoint redirects only where the email said,
 * never to a URL that came from the request (no open redirect).
 */
export type LinkKind = 'unsubscribe' | 'click' | 'open' | 'confirm';

export interface LinkPayload {
  kind: LinkKind;
  /** The message reference (sends.ref or confirmations.ref). */
  ref: string;
  url?: string;
  /** Epoch seconds after which the link no longer works; 0 = never. */
  expiresAt?: number;
}

export type LinkCheck = { ok: true; payload: LinkPayload } | { ok: false; reason: 'invalid' | 'expired' };

/** How long links stay valid. Unsubscribe links must keep working long after the send (CAN-SPAM: 30 days at least). */
export const LINK_LIFETIME_SECONDS: Record<LinkKind, number> = {
  unsubscribe: 3 * 365 * 86_400,
  click: 365 * 86_400,
  open: 365 * 86_400,
  confirm: 30 * 86_400,
};

const KIND_CODES: Record<LinkKind, string> = { unsubscribe: 'u', click: 'c', open: 'o', confirm: 'k' };
const CODE_KINDS = Object.fromEntries(Object.entries(KIND_CODES).map(([k, v]) => [v, k])) as Record<string, LinkKind>;

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 16);
}

export function signLink(secret: string, payload: LinkPayload): string {
  const body = Buffer.from(
    JSON.stringify([KIND_CODES[payload.kind], payload.ref, payload.url ?? '', payload.expiresAt ?? 0]),
  ).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** Signs a link that expires `LINK_LIFETIME_SECONDS[kind]` after `now` (epoch ms). */
export function signLinkAt(secret: string, payload: Omit<LinkPayload, 'expiresAt'>, now: number): string {
  return signLink(secret, { ...payload, expiresAt: Math.floor(now / 1000) + LINK_LIFETIME_SECONDS[payload.kind] });
}

/** Checks a token's signature and expiry; a forged, truncated or tampered token is 'invalid'. */
export function checkLink(secret: string, token: string, now: number): LinkCheck {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  try {
    const [code, ref, url, expiresAt] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, string, string, number];
    const kind = CODE_KINDS[code];
    if (!kind || typeof ref !== 'string') return { ok: false, reason: 'invalid' };
    if (expiresAt && expiresAt * 1000 < now) return { ok: false, reason: 'expired' };
    const payload: LinkPayload = { kind, ref, expiresAt: expiresAt || 0 };
    if (url) payload.url = url;
    return { ok: true, payload };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

/** The payload of a genuine, unexpired token, or null. */
export function verifyLink(secret: string, token: string, now: number): LinkPayload | null {
  const check = checkLink(secret, token, now);
  return check.ok ? check.payload : null;
}

/** The unguessable, stable reference of one enrolment step's message. */
export function messageRef(secret: string, leadId: number, sequenceId: string, stepId: string): string {
  return createHmac('sha256', secret).update(`${leadId}|${sequenceId}|${stepId}`).digest('hex').slice(0, 24);
}
