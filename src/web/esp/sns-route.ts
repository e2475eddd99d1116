import type { App, PgApp } from '../../app.js';
import { jsonResponse } from '../router.js';
import type { EspRouteDeps } from './types.js';
import { respond } from './respond.js';
import { parseSes } from './ses.js';
import { isSnsSubscribeUrl, parseSnsEnvelope, type SnsMessage } from './sns.js';
import { checkSharedSecret, checkSns } from './verify.js';

interface SnsRequest {
  request: Request;
  body: unknown;
  urlSecret: string | undefined;
  requestId: string;
}

function refuse(deps: EspRouteDeps, reason: string): Response {
  deps.log(`ses webhook refused (401): ${reason}`);
  return jsonResponse({ error: reason }, 401);
}

/**
 * Amazon SES through SNS. The signature is checked against the certificate the operator
 * configured (or, without one, a shared secret); then a SubscriptionConfirmation is confirmed
 * (only with `autoConfirm` and only on SNS's own host) or its URL printed for the operator, and a
 * Notification's SES bounce or complaint is stored.
 */
export async function handleSns(app: App | PgApp, deps: EspRouteDeps, r: SnsRequest): Promise<Response> {
  const ses = deps.settings.ses!;
  const message = parseSnsEnvelope(r.body);
  if (!ses.certificate) {
    const refused = checkSharedSecret(r.request.headers, r.urlSecret, ses.secret!);
    if (refused) return refuse(deps, refused);
  }
  if (typeof message === 'string') return jsonResponse({ error: r.body === undefined ? 'the body is not JSON' : message }, 400);
  if (ses.certificate) {
    const refused = checkSns(message, ses.certificate);
    if (refused) return refuse(deps, refused);
  }
  if (ses.topicArns.length > 0 && !ses.topicArns.includes(message.topicArn)) return refuse(deps, `topic ${message.topicArn} is not in webhooks.ses.topicArn`);
  if (message.type === 'Notification') {
    const items = parseSes(message.message);
    if (typeof items === 'string') return jsonResponse({ error: items }, 400);
    return respond(app, deps, 'ses', items.map((it) => ({ ...it, item: `${message.messageId}/${it.item}` })), r.requestId);
  }
  if (message.type === 'UnsubscribeConfirmation') {
    deps.log(`ses webhook: SNS topic ${message.topicArn} unsubscribed this endpoint; to subscribe again: ${message.subscribeUrl ?? '(no URL given)'}`);
    return jsonResponse({ subscription: 'unsubscribed' });
  }
  return confirm(deps, message);
}

async function confirm(deps: EspRouteDeps, message: SnsMessage): Promise<Response> {
  const url = message.subscribeUrl ?? '';
  const topic = message.topicArn;
  if (!deps.settings.ses!.autoConfirm) {
    deps.log(`ses webhook: to receive SES notifications from ${topic}, open this URL once (or set webhooks.ses.autoConfirm: true): ${url}`);
    return jsonResponse({ subscription: 'pending', confirm: 'the SubscribeURL was logged for the operator' });
  }
  if (!isSnsSubscribeUrl(url)) {
    deps.log(`ses webhook: SubscribeURL ${url} is not on sns.<region>.amazonaws.com: not fetched`);
    return jsonResponse({ subscription: 'pending', confirm: 'SubscribeURL not on sns.<region>.amazonaws.com: not fetched' });
  }
  try {
    const status = await deps.confirmSubscription(url);
    deps.log(`ses webhook: confirmed the subscription to ${topic} (HTTP ${status})`);
    return jsonResponse({ subscription: status >= 200 && status < 300 ? 'confirmed' : 'pending', status });
  } catch (error) {
    deps.log(`ses webhook: could not confirm the subscription to ${topic} (${(error as Error).message}); open this URL once: ${url}`);
    return jsonResponse({ subscription: 'pending', confirm: 'the SubscribeURL could not be fetched; it was logged' });
  }
}
