import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '../../time/duration.js';
import type { WebhooksFile } from '../../workspace/webhooks-schema.js';
import type { EspSettings } from './types.js';

/** A webhook key or secret that cannot be read: `serve` stops with this message (exit 1). */
export class EspSettingsError extends Error {}

type Env = Record<string, string | undefined>;

/** Reads `env:NAME`, `file:PATH` (relative to the workspace) or a literal value. */
function readRef(ref: string, field: string, dir: string, env: Env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name]?.trim();
    if (!value) throw new EspSettingsError(`nurture.yaml: ${field}: environment variable ${name} is not set`);
    return value;
  }
  if (ref.startsWith('file:')) return readFile(ref.slice(5), field, dir);
  return ref;
}

function readFile(path: string, field: string, dir: string): string {
  const full = resolve(dir, path);
  try {
    return readFileSync(full, 'utf8').trim();
  } catch (error) {
    throw new EspSettingsError(`nurture.yaml: ${field}: cannot read ${full} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** SendGrid shows its verification key as base64 DER (SubjectPublicKeyInfo); a PEM is accepted too. */
function sendgridKey(text: string, field: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    throw new EspSettingsError(`nurture.yaml: ${field}: not a public key (${(error as Error).message}); paste SendGrid's "Verification Key"`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new EspSettingsError(`nurture.yaml: ${field}: expected an ECDSA P-256 key (SendGrid's "Verification Key"), got ${key.asymmetricKeyType ?? 'another kind'}`);
  return key;
}

function snsCertificate(path: string, field: string, dir: string): KeyObject {
  const pem = readFile(path, field, dir);
  try {
    return new X509Certificate(pem).publicKey;
  } catch (error) {
    throw new EspSettingsError(`nurture.yaml: ${field}: ${resolve(dir, path)} is not a PEM certificate (${(error as Error).message})`);
  }
}

const ms = (iso: string) => parseDuration(iso)!.approxMs;

/** Resolves `webhooks:` from nurture.yaml into keys and secrets, once, when `serve` starts. */
export function resolveEspSettings(file: WebhooksFile | undefined, dir: string, env: Env): EspSettings {
  const out: EspSettings = {};
  if (!file) return out;
  const { sendgrid, mailgun, postmark, ses } = file;
  if (sendgrid)
    out.sendgrid = {
      publicKey: sendgrid.publicKey === undefined ? undefined : sendgridKey(readRef(sendgrid.publicKey, 'webhooks.sendgrid.publicKey', dir, env), 'webhooks.sendgrid.publicKey'),
      secret: sendgrid.secret === undefined ? undefined : readRef(sendgrid.secret, 'webhooks.sendgrid.secret', dir, env),
      maxAgeMs: ms(sendgrid.maxAge),
    };
  if (mailgun) out.mailgun = { signingKey: readRef(mailgun.signingKey, 'webhooks.mailgun.signingKey', dir, env), maxAgeMs: ms(mailgun.maxAge) };
  if (postmark) out.postmark = { secret: readRef(postmark.secret, 'webhooks.postmark.secret', dir, env), user: postmark.user };
  if (ses)
    out.ses = {
      certificate: ses.certificate === undefined ? undefined : snsCertificate(ses.certificate, 'webhooks.ses.certificate', dir),
      secret: ses.secret === undefined ? undefined : readRef(ses.secret, 'webhooks.ses.secret', dir, env),
      topicArns: ses.topicArn === undefined ? [] : [ses.topicArn].flat(),
      autoConfirm: ses.autoConfirm,
    };
  return out;
}
