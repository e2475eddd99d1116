import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { composed } from '../../src/mail/message.js';
import { canHandOff, handOff } from '../../src/mail/pool-handoff.js';
import { createMailer } from '../../src/mail/transport.js';
import type { ComposedMessage, OutgoingMessage } from '../../src/mail/transport.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

/**
 * A composed message is handed to nodemailer's SMTP pool directly, skipping sendMail's composer:
 * what arrives at a real SMTP server, and what a refusal looks like, must be what sendMail gives.
 */
const message = (n: number, over: Partial<OutgoingMessage> = {}): ComposedMessage =>
  composed({
    from: '"Maya Chen" <maya@tidewater.example>',
    to: `lead${n}@acme.example.org`,
    subject: `Touch ${n} — “quoted”`,
    // A line that starts with a dot: SMTP doubles it on the wire and the server undoes it.
    html: `<p>Hi ${n}</p>\n.<p>dot at the start of a line</p>`,
    text: `Hi ${n}\n.dot at the start of a line\n..two dots`,
    messageId: `<ref${n}@tidewater.example>`,
    date: new Date('2026-11-24T15:00:00Z'),
    headers: { 'X-Nurture-Sequence': 'new-signups', 'X-Nurture-Step': 'pain' },
    ...over,
  });

describe('handing a composed message to the SMTP pool', () => {
  let sink: SmtpSink | undefined;
  const closers: (() => void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await sink?.close();
    sink = undefined;
  });

  function pool(url: string) {
    const { hostname, port } = new URL(url);
    const transport = nodemailer.createTransport({ host: hostname, port: Number(port), pool: true, maxConnections: 2, ignoreTLS: true } as SMTPPool.Options);
    closers.push(() => transport.close());
    return transport;
  }

  it('takes plain ASCII addresses only; anything nodemailer would parse differently goes through sendMail', () => {
    const envelope = (to: string, from = 'maya@tidewater.example') => ({ ...message(0), envelope: { from, to } });
    expect(canHandOff(envelope('dana.o+news@acme-analytics.example.org'))).toBe(true);
    for (const to of ['Dana <dana@acme.example.org>', 'a@acme.example.org, b@acme.example.org', 'dana@acme.example.org (Dana)', 'dänä@acme.example.org', 'dana@acme.example.org\r\nRCPT TO:<x@evil.example>', 'dana', '"dana smith"@acme.example.org', 'dana@-acme.example.org']) {
      expect(canHandOff(envelope(to)), to).toBe(false);
    }
    expect(canHandOff(envelope('dana@acme.example.org', 'Maya <maya@tidewater.example>'))).toBe(false);
  });

  it('delivers the exact bytes and envelope that sendMail delivers, message after message on the pooled connections', async () => {
    sink = await startSmtpSink();
    const transport = pool(sink.url);
    const viaPool = await Promise.all([0, 1, 2, 3, 4].map((n) => handOff(transport.transporter, message(n))));
    const viaSendMail = await transport.sendMail({ envelope: message(5).envelope, raw: message(5).raw, messageId: message(5).messageId });
    expect(sink.raw).toHaveLength(6);
    for (let n = 0; n < 6; n++) {
      expect(sink.transfers.filter((t) => t.to[0] === `lead${n}@acme.example.org`)).toMatchObject([{ from: 'maya@tidewater.example', to: [`lead${n}@acme.example.org`] }]);
      // Two connections: the messages arrive in either order.
      expect(sink.raw.filter((raw) => raw.equals(message(n).raw)), `message ${n} arrived byte for byte`).toHaveLength(1);
    }
    for (const info of viaPool) {
      expect(info.response).toMatch(/^250 /);
      expect(Object.keys(info).sort()).toEqual(Object.keys(viaSendMail).sort());
    }
    expect(viaPool.map((i) => i.messageId)).toEqual([0, 1, 2, 3, 4].map((n) => `<ref${n}@tidewater.example>`));
    expect(viaSendMail.envelope).toEqual({ from: 'maya@tidewater.example', to: ['lead5@acme.example.org'] });
    expect(viaPool[0]!.envelope).toEqual({ from: 'maya@tidewater.example', to: ['lead0@acme.example.org'] });
  });

  it('refusals carry the code, command and reply that sendMail gives, so they are classified alike', async () => {
    sink = await startSmtpSink({ reject: (rcpt) => (rcpt.startsWith('lead1@') ? 550 : rcpt.startsWith('lead2@') ? 450 : undefined) });
    const transport = pool(sink.url);
    for (const n of [1, 2]) {
      const m = message(n);
      const viaPool = await handOff(transport.transporter, m).then(() => undefined, (e: unknown) => e as Record<string, unknown>);
      const viaSendMail = await transport.sendMail({ envelope: m.envelope, raw: m.raw, messageId: m.messageId }).then(() => undefined, (e: unknown) => e as Record<string, unknown>);
      const shape = (e: Record<string, unknown> | undefined) => ({ code: e?.code, command: e?.command, responseCode: e?.responseCode, response: e?.response });
      expect(shape(viaPool)).toEqual(shape(viaSendMail));
      expect(viaPool?.responseCode).toBe(n === 1 ? 550 : 450);
    }
    // Through the mailer: the same classification as any refusal (smtp-status.ts).
    const mailer = createMailer(sink.url, '/nonexistent');
    closers.push(() => mailer.close());
    expect(await mailer.deliver(message(1))).toMatchObject({ ok: false, kind: 'hard-bounce', response: expect.stringMatching(/^550 /) });
    expect(await mailer.deliver(message(2))).toMatchObject({ ok: false, kind: 'soft', response: expect.stringMatching(/^450 /) });
    expect(await mailer.deliver(message(3))).toMatchObject({ ok: true });
    expect(sink.raw.map((r) => r.equals(message(3).raw))).toEqual([true]);
  });

  it('a closed pool refuses at once instead of never answering, and the mailer stops the run on it', async () => {
    sink = await startSmtpSink();
    const transport = pool(sink.url);
    transport.close();
    await expect(handOff(transport.transporter, message(0))).rejects.toMatchObject({ code: 'ECONNECTION', message: 'the SMTP connection pool is closed' });
    const mailer = createMailer(sink.url, '/nonexistent');
    mailer.close();
    expect(await mailer.deliver(message(0))).toMatchObject({ ok: false, kind: 'transport' });
    expect(sink.raw).toHaveLength(0);
  });
});
