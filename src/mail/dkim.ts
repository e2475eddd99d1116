import { createPrivateKey, type KeyObject } from 'node:crypto';
import DKIM from 'nodemailer/lib/dkim/index.js';
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
export function dkimKeyProblem(pem: string): { algorithm: 'rsa-sha256' } | { problem: string } {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    return { problem: `not a PEM private key (${(error as Error).message})` };
  }
  // nodemailer's signer is RSA only; RSA is also the one every receiver verifies (RFC 8463's Ed25519 is not).
  if (key.asymmetricKeyType !== 'rsa') return { problem: `a ${key.asymmetricKeyType} key: DKIM signs with an RSA key (2048 bits)` };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024) return { problem: `an RSA key of ${bits} bits: receivers ignore DKIM keys under 1024 bits (use 2048)` };
  return { algorithm: 'rsa-sha256' };
}

export type DkimSign = (raw: Buffer) => Promise<Buffer>;

/**
 * Signs a composed message (mime.ts) with nodemailer's DKIM signer (relaxed/relaxed, rsa-sha256):
 * the DKIM-Signature header is put in front of the very bytes handed to the mailer, which sends
 * them unchanged. Why nodemailer's: it is already the SMTP library, so no second MIME stack; it
 * writes no t= tag (a message signed twice is the same bytes); mailauth's signer costs the same
 * per message (both ≈ the RSA signature itself) and stays independent as the tests' verifier.
 */
export function dkimSigner(settings: DkimSettings): DkimSign {
  const found = dkimKeyProblem(settings.privateKeyPem);
  if ('problem' in found) throw new Error(`dkim.privateKey: ${found.problem}`);
  const signer = new DKIM({
    domainName: settings.domain,
    keySelector: settings.selector,
    // Parsed once: nodemailer hands the key to crypto's Sign as given, and a PEM string would be
    // parsed again for every message (≈ 1.2 ms of CPU each here, more than the signature itself).
    privateKey: createPrivateKey(settings.privateKeyPem) as unknown as string,
    headerFieldNames: SIGNED_HEADERS,
    cacheDir: false,
  });
  return (raw) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const stream = signer.sign(raw);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => {
        const signed = Buffer.concat(chunks);
        // nodemailer leaves a message unsigned when the key fails: never send that as if signed.
        if (!signed.subarray(0, 16).toString().startsWith('DKIM-Signature:')) reject(new Error('DKIM signing failed: no signature made'));
        else resolve(signed);
      });
    });
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
        raw = await sign(message.raw);
      } catch (error) {
        return { ok: false, kind: 'transport', cause: 'DKIM signing failed', response: (error as Error).message };
      }
      return inner.deliver({ ...message, raw });
    },
  };
}
