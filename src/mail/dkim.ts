import { createPrivateKey, type KeyObject } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import type { ComposedMessage, Mailer } from './transport.js';

/** `dkim:` in nurture.yaml, with the private key read (PEM). */
export interface DkimSettings {
  domain: string;
  selector: string;
  privateKeyPem: string;
}

/**
 * The headers signed: mailauth's defaults plus List-Unsubscribe-Post (RFC 8058 requires the
 * one-click headers to be covered by the signature) and our X-Nurture-* tags.
 */
const SIGNED_HEADERS = [
  'From', 'Reply-To', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding',
  'List-Unsubscribe', 'List-Unsubscribe-Post', 'X-Nurture-Sequence', 'X-Nurture-Step', 'X-Nurture-Force', 'X-Nurture-Variant',
].join(':');

/** The key's algorithm as DKIM names it, or why the PEM is no DKIM signing key. */
export function dkimKeyProblem(pem: string): { algorithm: 'rsa-sha256' | 'ed25519-sha256' } | { problem: string } {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    return { problem: `not a PEM private key (${(error as Error).message})` };
  }
  if (key.asymmetricKeyType === 'ed25519') return { algorithm: 'ed25519-sha256' };
  if (key.asymmetricKeyType !== 'rsa') return { problem: `a ${key.asymmetricKeyType} key: DKIM signs with RSA or Ed25519` };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024) return { problem: `an RSA key of ${bits} bits: receivers ignore DKIM keys under 1024 bits (use 2048)` };
  return { algorithm: 'rsa-sha256' };
}

export type DkimSign = (raw: Buffer, at: Date) => Promise<Buffer>;

/**
 * Signs a composed message (mime.ts) with mailauth's signer: the DKIM-Signature header is put in
 * front of the very bytes handed to the mailer, which sends them unchanged. `at` (the run's
 * moment, not the wall clock) is the signature's `t=`, so a message signed twice is the same.
 */
export function dkimSigner(settings: DkimSettings): DkimSign {
  const found = dkimKeyProblem(settings.privateKeyPem);
  if ('problem' in found) throw new Error(`dkim.privateKey: ${found.problem}`);
  const options = {
    signingDomain: settings.domain,
    selector: settings.selector,
    privateKey: settings.privateKeyPem,
    algorithm: found.algorithm,
    canonicalization: 'relaxed/relaxed',
    headerList: SIGNED_HEADERS,
  };
  return async (raw, at) => {
    const { signatures, errors } = await dkimSign(raw, { ...options, signTime: at });
    if (!signatures) throw new Error(`DKIM signing failed: ${errors.map((e) => e.message ?? e.error).join('; ') || 'no signature made'}`);
    return Buffer.concat([Buffer.from(signatures), raw]);
  };
}

/**
 * A mailer that signs each message before the one underneath delivers it (SMTP or the outbox
 * folder alike). A message that cannot be signed is never sent unsigned: that is a fault of our
 * configuration, so it stops the run like a relay that refuses our login.
 */
export function signingMailer(inner: Mailer, sign: DkimSign, domain: string): Mailer & { domain: string } {
  return {
    // The relay's URL alone: it is what a run's failure names.
    describe: () => inner.describe(),
    domain,
    close: () => inner.close(),
    async deliver(message: ComposedMessage) {
      let raw: Buffer;
      try {
        raw = await sign(message.raw, message.date);
      } catch (error) {
        return { ok: false, kind: 'transport', cause: 'DKIM signing failed', response: (error as Error).message };
      }
      return inner.deliver({ ...message, raw });
    },
  };
}
