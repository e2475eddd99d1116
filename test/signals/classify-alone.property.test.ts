import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyIfIndependent, RECENT_MS, SETTLED_AFTER_DELIVERY_MS } from '../../src/domain/signal-alone.js';
import { classifyAlone, classifyMessage } from '../../src/domain/signals.js';
import type { SignalEvent } from '../../src/domain/signal-types.js';

const T0 = Date.parse('2026-11-24T15:00:00Z');
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  'Mozilla/5.0 (compatible; Mimecast URL Protect)',
];

/** Gaps between successive link requests: same millisecond, within a second, seconds, hours. */
const gap = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_500 }), fc.integer({ min: 1_500, max: 90_000 }), fc.integer({ min: 90_000, max: 86_400_000 }));
const request = fc.record({ gap, click: fc.boolean(), agent: fc.constantFrom(...AGENTS), head: fc.boolean() });

describe('classifying a new open or click without reading its message', () => {
  it('gives, whenever it answers, what classifying the whole message gives, and changes no earlier class', () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 8 }), fc.boolean(), (requests, known) => {
        const deliveredAt = known ? T0 : null;
        const events: SignalEvent[] = [];
        let at = T0;
        requests.forEach((r, i) => {
          at += r.gap;
          const e: SignalEvent = {
            id: i + 1,
            type: r.click ? 'email_clicked' : 'email_opened',
            at,
            url: '',
            properties: { ua: r.agent, method: r.head ? 'HEAD' : 'GET' },
          };
          const before = classifyMessage({ deliveredAt, events });
          const recent = events.some((o) => o.at > at - RECENT_MS);
          const alone = classifyIfIndependent(e, deliveredAt, r.click && recent);
          events.push(e);
          if (!alone) return;
          const after = classifyMessage({ deliveredAt, events });
          expect(alone).toEqual(after.get(e));
          for (const o of events.slice(0, -1)) expect(after.get(o)).toEqual(before.get(o));
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('answers alone for the common cases: an open a minute after delivery, a click with no other in the last second', () => {
    const open: SignalEvent = { id: 1, type: 'email_opened', at: T0 + 3 * 3_600_000, url: '', properties: { ua: AGENTS[0]!, method: 'GET' } };
    expect(classifyIfIndependent(open, T0, false)).toEqual({ signal: 'human', reason: 'opened by a person (no machine pattern)' });
    expect(classifyIfIndependent({ ...open, at: T0 + 4_000 }, T0, false)).toBeUndefined();
    const click: SignalEvent = { ...open, type: 'email_clicked', at: T0 + 9_000 };
    expect(classifyIfIndependent(click, T0, false)).toEqual({ signal: 'machine', reason: 'scanner click: 9 s after delivery' });
    expect(classifyIfIndependent(click, T0, true)).toBeUndefined();
  });

  it('gives, once the message was delivered long enough before and no click is near, what the request alone gives', () => {
    // The link endpoint's one-statement path (db/events.ts insertIfSettled) relies on this.
    const agent = fc.oneof(fc.constantFrom(...AGENTS, '', 'Mozilla/5.0', 'python-requests/2.31'), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.boolean(),
        agent,
        fc.constantFrom('GET', 'HEAD', 'get'),
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        fc.boolean(),
        (click, ua, method, extra, known) => {
          const type = click ? 'email_clicked' : 'email_opened';
          const e: SignalEvent = { id: Number.MAX_SAFE_INTEGER, type, at: T0, url: '', properties: { ref: 'r1', ua, method } };
          const deliveredAt = known ? T0 - SETTLED_AFTER_DELIVERY_MS[type] - extra : null;
          expect(classifyIfIndependent(e, deliveredAt, false)).toEqual(classifyAlone(e));
          expect(classifyMessage({ deliveredAt, events: [e] }).get(e)).toEqual(classifyAlone(e));
        },
      ),
      { numRuns: 2_000 },
    );
    // A millisecond earlier, the delivery-time rules can still decide.
    const open: SignalEvent = { id: 1, type: 'email_opened', at: T0, url: '', properties: { ua: AGENTS[0]!, method: 'GET' } };
    expect(classifyIfIndependent(open, T0 - SETTLED_AFTER_DELIVERY_MS.email_opened + 1, false)).toBeUndefined();
    const click: SignalEvent = { ...open, type: 'email_clicked' };
    expect(classifyIfIndependent(click, T0 - SETTLED_AFTER_DELIVERY_MS.email_clicked + 1, false)?.signal).toBe('machine');
  });
});
