import { type Agent, request } from 'node:https';
import type { SubscriptionConfirmer } from './types.js';

/**
 * The one outbound request `serve` makes: a GET of an SNS SubscribeURL, which the caller has
 * checked is https on sns.<region>.amazonaws.com. An `agent` may route the connection (a proxy,
 * or a test's HTTPS server on 127.0.0.1); TLS is verified either way.
 */
export function httpsConfirmer(options: { agent?: Agent; timeoutMs?: number } = {}): SubscriptionConfirmer {
  return (url) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', agent: options.agent, timeout: options.timeoutMs ?? 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
}
