import { describe, expect, it } from 'vitest';
import { classifyAlone, classifyMessage } from '../../src/domain/signals.js';
import type { SignalEvent } from '../../src/domain/signal-types.js';

const T0 = Date.parse('2026-11-24T15:00:00Z');
const S = 1_000;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
let id = 0;
const open = (at: number, ua = CHROME, extra: Record<string, string> = {}): SignalEvent => ({
  id: ++id, type: 'email_opened', at, url: '', properties: { ua, method: 'GET', ...extra },
});
const click = (at: number, url = 'https://example.com/a', ua = CHROME, method = 'GET'): SignalEvent => ({
  id: ++id, type: 'email_clicked', at, url, properties: { ua, method },
});
const classes = (events: SignalEvent[], deliveredAt: number | null = T0) => {
  const out = classifyMessage({ deliveredAt, events });
  return events.map((e) => out.get(e)!);
};

describe('classifying opens', () => {
  it('counts an open by a mail client hours after delivery as a person', () => {
    expect(classes([open(T0 + 3_600 * S)])).toEqual([{ signal: 'human', reason: 'opened by a person (no machine pattern)' }]);
  });
  it('counts a Gmail image proxy fetch as a person, even soon after delivery', () => {
    const gmail = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
    expect(classes([open(T0 + 20 * S, gmail)])[0]).toEqual({ signal: 'human', reason: 'Gmail image proxy (fetches when the reader opens)' });
  });
  it('sets apart Apple Mail Privacy Protection proxy fetches', () => {
    const apple = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
    expect(classes([open(T0 + 7_200 * S, apple)])[0]).toEqual({
      signal: 'machine',
      reason: 'Apple Mail Privacy Protection proxy (fetches every image, read or not)',
    });
    expect(classes([open(T0 + 7_200 * S, 'Mozilla/5.0')])[0]!.signal).toBe('machine');
  });
  it('sets apart a security gateway prefetch by its user agent', () => {
    expect(classes([open(T0 + 3_600 * S, 'Mimecast Security Scanner/1.0')])[0]).toEqual({
      signal: 'machine',
      reason: 'image prefetch: Mimecast user agent',
    });
  });
  it('sets apart images fetched at delivery before any interaction, but not a later open', () => {
    const [atDelivery, later] = classes([open(T0 + 5 * S), open(T0 + 40 * S)]);
    expect(atDelivery).toEqual({ signal: 'machine', reason: 'machine open: images fetched 5 s after delivery, before any interaction' });
    expect(later!.signal).toBe('human');
  });
  it('keeps the provider flags: SendGrid sg_machine_open and Mailgun client-info.bot', () => {
    expect(classifyAlone(open(T0, CHROME, { sg_machine_open: 'true' }))).toEqual({ signal: 'machine', reason: 'SendGrid flagged a machine open (sg_machine_open)' });
    expect(classifyAlone(open(T0, CHROME, { 'client-info': '{"bot":"apple","client-type":"browser"}' }))).toEqual({
      signal: 'machine',
      reason: 'Mailgun flagged a bot (client-info.bot: apple)',
    });
    expect(classifyAlone(open(T0, CHROME, { 'client-info.bot': 'gmail' })).signal).toBe('human');
    expect(classifyAlone({ id: 0, type: 'email_opened', at: T0, url: '', properties: {} }).signal).toBe('human');
  });
});

describe('classifying clicks', () => {
  it('counts a click minutes after delivery as a person', () => {
    expect(classes([click(T0 + 600 * S)])).toEqual([{ signal: 'human', reason: 'clicked by a person (no machine pattern)' }]);
  });
  it('sets apart a click within seconds of delivery', () => {
    expect(classes([click(T0 + 3 * S)])[0]).toEqual({ signal: 'machine', reason: 'scanner click: 3 s after delivery' });
  });
  it('sets apart several links clicked in the same second, all of them', () => {
    const burst = classes([click(T0 + 900 * S, 'https://example.com/a'), click(T0 + 900 * S + 300, 'https://example.com/b'), click(T0 + 900 * S + 600, 'https://example.com/c')]);
    expect(burst.map((c) => c.reason)).toEqual(Array(3).fill('scanner click: several links clicked within the same second'));
  });
  it('sets apart a HEAD request and a gateway user agent', () => {
    expect(classes([click(T0 + 900 * S, 'https://example.com/a', CHROME, 'HEAD')])[0]).toEqual({
      signal: 'machine',
      reason: 'a HEAD request (link checkers ask for headers; people follow the link)',
    });
    expect(classes([click(T0 + 900 * S, 'https://example.com/a', 'Barracuda Sentinel (EE)')])[0]).toEqual({
      signal: 'machine',
      reason: 'link scanner: Barracuda user agent',
    });
  });
});
