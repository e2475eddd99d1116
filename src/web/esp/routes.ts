import { randomUUID } from 'node:crypto';
import type { App, PgApp } from '../../app.js';
import { jsonResponse, type Params, type Router } from '../router.js';
import { mailgunSignature, parseMailgun } from './mailgun.js';
import { parsePostmark } from './postmark.js';
import { parseSendgrid } from './sendgrid.js';
import { handleSns } from './sns-route.js';
import { respond } from './respond.js';
import { ESP_PROVIDERS, type EspItem, type EspProvider, type EspRouteDeps } from './types.js';
import { checkMailgun, checkSendgrid, checkSharedSecret } from './verify.js';

/** What a provider's request is checked and read with. */
interface Reader {
  /** Undefined when the request is the provider's own, else why it is refused (401). */
  authenticate(request: Request, raw: Buffer, body: unknown, urlSecret: string | undefined): string | undefined;
  items(body: unknown): EspItem[] | string;
}

/** Tokens seen within their validity window (bounded by it: older ones are dropped as new ones arrive). */
class RecentTokens {
  private readonly seen = new Map<string, number>();

  /** False when the token was seen before and is still inside its window. */
  remember(token: string, now: number, maxAgeMs: number): boolean {
    for (const [t, at] of this.seen) {
      if (now - at <= maxAgeMs * 2) break;
      this.seen.delete(t);
    }
    if (this.seen.has(token)) return false;
    this.seen.set(token, now);
    return true;
  }
}

function readers(app: App | PgApp, deps: EspRouteDeps): Partial<Record<Exclude<EspProvider, 'ses'>, Reader>> {
  const { sendgrid, mailgun, postmark } = deps.settings;
  const now = () => app.clock.now();
  const tokens = new RecentTokens();
  return {
    sendgrid: sendgrid && {
      authenticate: (request, raw, _body, urlSecret) =>
        sendgrid.publicKey
          ? checkSendgrid(request.headers, raw, sendgrid.publicKey, now(), sendgrid.maxAgeMs)
          : checkSharedSecret(request.headers, urlSecret, sendgrid.secret!),
      items: parseSendgrid,
    },
    mailgun: mailgun && {
      authenticate: (_request, _raw, body) => {
        const sig = mailgunSignature(body);
        if (typeof sig === 'string') return sig;
        const refused = checkMailgun(sig, mailgun.signingKey, now(), mailgun.maxAgeMs);
        // Mailgun signs the timestamp and token, not the event: a token seen before is a replay.
        return refused ?? (tokens.remember(sig.token, now(), mailgun.maxAgeMs) ? undefined : 'this Mailgun token was already used: a replay');
      },
      items: parseMailgun,
    },
    postmark: postmark && {
      authenticate: (request, _raw, _body, urlSecret) => checkSharedSecret(request.headers, urlSecret, postmark.secret, postmark.user),
      items: parsePostmark,
    },
  };
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The ESP webhooks: POST /webhooks/{sendgrid,postmark,mailgun,ses}, or …/SECRET where the
 * provider is verified by a secret in the URL. A request that fails verification gets 401 and
 * changes nothing. Once verified, the answer is 200 even when some items are bad: every provider
 * retries a non-2xx answer with the same batch for hours or days, and a malformed item never
 * becomes valid, so the good items are stored, the bad ones reported in the body and logged.
 */
export function registerEspRoutes(router: Router, app: App | PgApp, deps: EspRouteDeps): void {
  const table = readers(app, deps);
  for (const provider of ESP_PROVIDERS) {
    const handler = async (request: Request, params: Params): Promise<Response> => {
      if (!deps.settings[provider])
        return jsonResponse({ error: `${provider} webhooks are not set up: add webhooks.${provider} to nurture.yaml` }, 404);
      const raw = Buffer.from(await request.arrayBuffer());
      const body = parseJson(raw);
      const requestId = randomUUID().slice(0, 8);
      if (provider === 'ses') return handleSns(app, deps, { request, body, urlSecret: params.secret, requestId });
      const reader = table[provider]!;
      const refused = reader.authenticate(request, raw, body, params.secret);
      if (refused) {
        deps.log(`${provider} webhook refused (401): ${refused}`);
        return jsonResponse({ error: refused }, 401);
      }
      if (body === undefined) return jsonResponse({ error: 'the body is not JSON' }, 400);
      const items = reader.items(body);
      if (typeof items === 'string') return jsonResponse({ error: items }, 400);
      return respond(app, deps, provider, items, requestId);
    };
    router.post(`/webhooks/${provider}`, handler);
    router.post(`/webhooks/${provider}/:secret`, handler);
  }
}
