import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime, envelopeOf, quotedPrintable } from '../../src/mail/mime.js';
import type { OutgoingMessage } from '../../src/mail/transport.js';

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  from: '"Ines Müller" <ines@tidewater.example>',
  replyTo: 'replies@tidewater.example',
  to: 'dana@acme.example.org',
  subject: 'How many CSVs did your team export this week? “Honestly” 📊',
  html: '<p style="margin:0">Hi Dana — <a href="https://x.example/c/abc.def?u=1&amp;v=2">read</a></p>\n<p>Zürich</p>',
  text: `Hi Dana — read [https://x.example/c/abc.def?u=1&v=2]\n${'long line of words '.repeat(12)}\ntrailing space \nZürich`,
  messageId: '<0123456789abcdef01234567@tidewater.example>',
  date: new Date('2026-11-24T15:00:00Z'),
  headers: {
    'List-Unsubscribe': `<https://nurture.example/u/${'t'.repeat(180)}>, <mailto:unsubscribe@tidewater.example?subject=unsubscribe-0123>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'X-Nurture-Sequence': 'new-signups',
  },
  ...over,
});

/** Line endings as a parser hands them back. */
const lf = (s: string) => s.replace(/\r\n|\r/g, '\n');

describe('composeMime', () => {
  it('composes a message a mail parser reads back exactly: headers, encoded words, both parts', async () => {
    const m = message();
    const parsed = await simpleParser(composeMime(m));
    expect(parsed.subject).toBe(m.subject);
    expect(parsed.from?.value).toEqual([{ name: 'Ines Müller', address: 'ines@tidewater.example' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]!.address : undefined).toBe('dana@acme.example.org');
    expect(parsed.replyTo?.value[0]!.address).toBe('replies@tidewater.example');
    expect(parsed.messageId).toBe(m.messageId);
    expect(parsed.date?.toISOString()).toBe('2026-11-24T15:00:00.000Z');
    const headerLine = (key: string) => parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r\n\s/g, ' ');
    expect(headerLine('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(headerLine('list-unsubscribe')).toBe(`List-Unsubscribe: ${m.headers['List-Unsubscribe']}`);
    expect(parsed.headers.get('x-nurture-sequence')).toBe('new-signups');
    expect(lf(parsed.text ?? '').trimEnd()).toBe(lf(m.text));
    expect(parsed.html).toBe(m.html);
  });

  it('is 7-bit, with body lines of at most 76 octets, and the same bytes each time it is composed', () => {
    const raw = composeMime(message());
    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    const [head, ...body] = raw.toString('latin1').split('\r\n\r\n');
    expect(Math.max(...body.join('\r\n').split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(76);
    // A header folds at spaces; a long unsubscribe URL has none, and stays within RFC 5322's 998.
    expect(Math.max(...head!.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/); // CRLF only
    expect(composeMime(message()).equals(raw)).toBe(true);
    // Another message gets another boundary.
    const boundary = (b: Buffer) => /boundary="([^"]+)"/.exec(b.toString('latin1'))![1];
    expect(boundary(composeMime(message({ messageId: '<other@tidewater.example>' })))).not.toBe(boundary(raw));
  });

  it('lets no line break in a header value start a header of its own', async () => {
    const parsed = await simpleParser(composeMime(message({ subject: 'Hello\r\nBcc: victim@evil.example', to: 'dana@acme.example.org\nCc: x@evil.example' })));
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('cc')).toBe(false);
    expect(parsed.subject).toBe('Hello Bcc: victim@evil.example');
  });

  it('keeps a display name whole: commas, colons, brackets and quotes, ASCII or not', async () => {
    for (const name of ['Zoë Smith, Acme', 'Team Zoë : Sales', 'Müller (CEO)', 'Bob "the builder" Jones', 'Ann, Lee', 'Sales: EMEA']) {
      const escaped = name.replace(/["\\]/g, '\\$&');
      const parsed = await simpleParser(composeMime(message({ from: `"${escaped}" <ines@tidewater.example>` })));
      expect(parsed.from?.value, name).toEqual([{ name, address: 'ines@tidewater.example' }]);
    }
  });

  it('refuses a message without a valid date', () => {
    expect(() => composeMime(message({ date: new Date(Number.NaN) }))).toThrow(/no valid date/);
  });

  it('puts internationalised domains in the envelope and headers as punycode', async () => {
    const m = message({ to: 'dana@bücher.example' });
    expect(envelopeOf(m)).toEqual({ from: 'ines@tidewater.example', to: 'dana@xn--bcher-kva.example' });
    expect(composeMime(m).toString('latin1')).toContain('\r\nTo: dana@xn--bcher-kva.example\r\n');
  });
});

describe('quotedPrintable', () => {
  it('escapes "=", non-ASCII and whitespace at a line end, and never cuts an escape with a soft break', () => {
    expect(quotedPrintable('a=b')).toBe('a=3Db');
    expect(quotedPrintable('café ')).toBe('caf=C3=A9=20');
    expect(quotedPrintable('tab\t\nnext')).toBe('tab=09\r\nnext');
    const encoded = quotedPrintable('é'.repeat(40));
    for (const line of encoded.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line.replace(/=$/, '')).toMatch(/^(=[0-9A-F]{2})*$/);
    }
  });

  it('round-trips any text through a mail parser (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.oneof(fc.constantFrom('=', ' ', '\t', '\n', '.'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 300 }), async (text) => {
        const body = text.replace(/\r\n|\r/g, '\n').replace(/\s+$/, '') + 'x';
        const parsed = await simpleParser(composeMime(message({ text: body })));
        expect(lf(parsed.text ?? '').replace(/\n$/, '')).toBe(body);
      }),
      { numRuns: 200 },
    );
  });
});
