import { describe, expect, it } from 'vitest';
import { parsePostmark } from '../../src/web/esp/postmark.js';
import { parseSendgrid } from '../../src/web/esp/sendgrid.js';
import { parseSes } from '../../src/web/esp/ses.js';
import { isSnsSubscribeUrl } from '../../src/web/esp/sns.js';
import type { EspItem } from '../../src/web/esp/types.js';

const kinds = (items: EspItem[] | string) => (typeof items === 'string' ? items : items.map((i) => (i.kind === 'event' ? `${i.event.type}${i.event.properties.bounceType ? `/${i.event.properties.bounceType}` : ''}` : i.kind)));

describe('provider payloads to our events (pure)', () => {
  it('reads SendGrid drops by their reason: only a bounce, spam or unsubscribe list is final', () => {
    const drop = (reason: string, i: number) => ({ email: 'a@b.example', timestamp: 1_764_000_000, event: 'dropped', sg_event_id: `d${i}`, reason });
    expect(kinds(parseSendgrid(['Bounced Address', 'Invalid', 'Spam Reporting Address', 'Unsubscribed Address', 'Exceeded max size'].map(drop)))).toEqual([
      'bounced/hard',
      'bounced/hard',
      'complained',
      'unsubscribed',
      'soft_bounced/soft',
    ]);
    expect(parseSendgrid({ not: 'an array' })).toBe('expected a JSON array of SendGrid events');
  });

  it('tells Postmark bounce types apart: hard, soft, and replies that are no failure', () => {
    const record = (Type: string) => ({ RecordType: 'Bounce', ID: 1, Type, Email: 'a@b.example', BouncedAt: '2026-11-24T15:50:00.9070259Z' });
    expect(['HardBounce', 'BadEmailAddress', 'Transient', 'SoftBounce', 'DnsError', 'Blocked', 'AutoResponder', 'SpamComplaint', 'Unsubscribe'].flatMap((t) => kinds(parsePostmark(record(t))))).toEqual([
      'bounced/hard',
      'bounced/hard',
      'soft_bounced/soft',
      'soft_bounced/soft',
      'soft_bounced/soft',
      'soft_bounced/soft',
      'ignored',
      'complained',
      'unsubscribed',
    ]);
    expect(kinds(parsePostmark({ RecordType: 'Delivery', Recipient: 'a@b.example' }))).toEqual(['ignored']);
  });

  it('suppresses nothing on an SES bounce whose type SES could not determine', () => {
    const message = JSON.stringify({
      notificationType: 'Bounce',
      bounce: { bounceType: 'Undetermined', bouncedRecipients: [{ emailAddress: 'a@b.example' }], timestamp: '2026-11-24T15:40:00.000Z', feedbackId: 'f' },
      mail: { commonHeaders: { messageId: '<r@tidewater.example>' } },
    });
    expect(kinds(parseSes(message))).toEqual(['soft_bounced/soft']);
    expect(kinds(parseSes(JSON.stringify({ eventType: 'Delivery', mail: {} })))).toEqual(['ignored']);
    expect(parseSes('not json')).toBe('Message: not JSON (expected an Amazon SES notification)');
  });

  it('fetches a SubscribeURL only over https on sns.<region>.amazonaws.com', () => {
    expect(isSnsSubscribeUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=x')).toBe(true);
    expect(isSnsSubscribeUrl('https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription')).toBe(true);
    for (const url of [
      'http://sns.eu-west-1.amazonaws.com/',
      'https://sns.eu-west-1.amazonaws.com:8443/',
      'https://sns.eu-west-1.amazonaws.com.evil.example/',
      'https://evil.example/sns.eu-west-1.amazonaws.com',
      'https://user@sns.eu-west-1.amazonaws.com/',
      'https://127.0.0.1/',
      'not a url',
    ])
      expect(isSnsSubscribeUrl(url), url).toBe(false);
  });
});
