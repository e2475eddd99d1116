import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyIfIndependent, RECENT_MS } from '../../src/domain/signal-alone.js';
import { classifyMessage } from '../../src/domain/signals.js';
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
});
