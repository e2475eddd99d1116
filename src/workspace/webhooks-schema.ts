import { z } from 'zod';
import { parseDuration } from '../time/duration.js';

/**
 * A secret or key as written in nurture.yaml: `env:NAME` (read from the environment when `serve`
 * starts), `file:PATH` (relative to the workspace), or the value itself — which `lint` warns
 * about, because nurture.yaml lives in git.
 */
export const secretRefSchema = z.string().min(1, { error: 'expected env:NAME, file:PATH or a value' });

/** An object that rejects unknown keys, naming the allowed ones (as the rest of nurture.yaml does). */
function closed<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})` : undefined,
  });
}

const maxAgeSchema = z
  .string()
  .refine((v) => parseDuration(v) !== null && parseDuration(v)!.approxMs > 0, {
    error: 'expected a positive ISO 8601 duration, e.g. PT10M',
  });

/**
 * `webhooks:` — which ESPs may report back to `nurture serve`, and how each request is verified.
 * An ESP left out has no endpoint (its URL answers 404).
 */
export const webhooksSchema = closed({
  sendgrid: closed({
    /** The "Verification Key" of SendGrid's Signed Event Webhook (base64 DER or PEM). */
    publicKey: secretRefSchema.optional(),
    /** Without a public key: a shared secret in the URL (/webhooks/sendgrid/SECRET) or Basic auth. */
    secret: secretRefSchema.optional(),
    maxAge: maxAgeSchema.default('PT10M'),
  })
    .refine((s) => s.publicKey !== undefined || s.secret !== undefined, { error: 'give publicKey (signed event webhook) or secret' })
    .optional(),
  mailgun: closed({
    /** Mailgun's "HTTP webhook signing key". */
    signingKey: secretRefSchema,
    maxAge: maxAgeSchema.default('PT10M'),
  })
    .optional(),
  postmark: closed({
    /** The Basic auth password of the webhook URL, or the secret at its end (/webhooks/postmark/SECRET). */
    secret: secretRefSchema,
    /** The Basic auth user name; any when left out. */
    user: z.string().optional(),
  })
    .optional(),
  ses: closed({
    /** A PEM file with SNS's signing certificate: every message's signature is checked against it. */
    certificate: z.string().min(1).optional(),
    /** Without a certificate: a shared secret in the URL (/webhooks/ses/SECRET) or Basic auth. */
    secret: secretRefSchema.optional(),
    /** Only these topics are accepted (an ARN or a list); any when left out. */
    topicArn: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** Confirm an SNS subscription by fetching its SubscribeURL (only on sns.<region>.amazonaws.com). */
    autoConfirm: z.boolean().default(false),
  })
    .refine((s) => s.certificate !== undefined || s.secret !== undefined, { error: 'give certificate (SNS signature) or secret' })
    .optional(),
});

export type WebhooksFile = z.infer<typeof webhooksSchema>;

/** Secrets written into nurture.yaml itself (it lives in git): what `lint` warns about. */
export function literalWebhookSecrets(file: WebhooksFile | undefined): string[] {
  if (!file) return [];
  const fields: [string, string | undefined][] = [
    ['webhooks.sendgrid.secret', file.sendgrid?.secret],
    ['webhooks.mailgun.signingKey', file.mailgun?.signingKey],
    ['webhooks.postmark.secret', file.postmark?.secret],
    ['webhooks.ses.secret', file.ses?.secret],
  ];
  return fields.filter(([, v]) => v !== undefined && !/^(env|file):/.test(v)).map(([k]) => k);
}
