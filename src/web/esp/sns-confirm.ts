import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { SubscriptionConfirmer } from './types.js';

/**
 * The one outbound request `serve` makes: a GET of an SNS SubscribeURL, which the caller has
 * checked is on sns.<region>.amazonaws.com. `lookup` and `ca` exist so a test can point the same
 * code at an HTTPS server on 127.0.0.1.
 */
export function httpsConfirmer(options: { lookup?: LookupFunction; ca?: string; timeoutMs?: number } = {}): SubscriptionConfirmer {
  return (url) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', lookup: options.lookup, ca: options.ca, timeout: options.timeoutMs ?? 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
}
