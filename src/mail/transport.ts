import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { canHandOff, handOff } from './pool-handoff.js';
import { smtpSocket } from './smtp-socket.js';
import { classifySmtpFailure, type FailureKind } from './smtp-status.js';

export interface OutgoingMessage {
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  /** The run's moment, not the wall clock: a message rendered twice is the same message. */
  date: Date;
  headers: Record<string, string>;
}

/** A message composed for the wire (mime.ts): what a mailer delivers. */
export interface ComposedMessage {
  messageId: string;
  envelope: { from: string; to: string };
  /** The whole RFC 5322 message, CRLF line breaks. */
  raw: Buffer;
}

export type DeliveryResult =
  | { ok: true; response: string }
  | {
      ok: false;
      /** Whose fault and what follows (smtp-status.ts): transport stops the run, soft backs off, … */
      kind: FailureKind;
      /** In a few words, for people: "relay refused our login". */
      cause: string;
      /** The server's reply, or the error when there was none. */
      response: string;
    };

/** The one thing a run needs from a mail system. */
export interface Mailer {
  deliver(message: ComposedMessage): Promise<DeliveryResult>;
  close(): void;
  describe(): string;
}

/**
 * Builds a mailer from a URL: `smtp://host:port` / `smtps://user:pass@host` (nodemailer, pooled),
 * or `file:./outbox` (one .eml per message, written by nodemailer's stream transport).
 */
export interface PoolOptions {
  connections: number;
  /** Messages per second across the pool; 0 = as fast as the server takes them. */
  ratePerSecond: number;
}

/** TLS with the relay: STARTTLS whenever it is offered; `require` refuses a relay that does not offer it. */
export interface TlsOptions {
  require: boolean;
  /** Extra trusted certificate authorities (PEM), e.g. a relay's self-signed certificate. */
  ca?: string;
}

export interface MailerOptions {
  pool: PoolOptions;
  tls: TlsOptions;
}

const DEFAULT_OPTIONS: MailerOptions = { pool: { connections: 4, ratePerSecond: 0 }, tls: { require: false } };

export function createMailer(url: string, workspaceDir: string, options: MailerOptions = DEFAULT_OPTIONS): Mailer {
  if (url.startsWith('file:')) {
    const raw = url.slice('file:'.length);
    const dir = isAbsolute(raw) ? raw : join(workspaceDir, raw);
    return fileMailer(dir);
  }
  if (url.startsWith('smtp://') || url.startsWith('smtps://')) return smtpMailer(url, options);
  throw new Error(`unsupported mail URL "${url}" (expected smtp://host:port, smtps://… or file:./outbox)`);
}

function smtpMailer(url: string, { pool, tls }: MailerOptions): Mailer {
  const rate = pool.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: pool.ratePerSecond } : {};
  // nodemailer ignores every other option when given `url`, so the URL is taken apart here.
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const auth = parsed.username
    ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
    : undefined;
  const transport = nodemailer.createTransport({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth,
    // STARTTLS whenever the relay offers it. The certificate is verified (against the system's
    // authorities and `delivery.tlsCa`), except a relay on this machine's loopback without a
    // `tlsCa`: its traffic never leaves the machine, and such relays mostly have a self-signed one.
    requireTLS: tls.require,
    tls: { ...(tls.ca ? { ca: tls.ca } : {}), rejectUnauthorized: Boolean(tls.ca) || !isLoopback(parsed.hostname) },
    // Plain SMTP on our own socket: Nagle off, a tick's writes in one system call (smtp-socket.ts).
    ...(secure ? {} : { getSocket: smtpSocket }),
    pool: true,
    maxConnections: pool.connections,
    maxMessages: 1000,
    ...rate,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as SMTPPool.Options);
  return {
    describe: () => url.replace(/\/\/[^@/]*@/, '//***@'),
    close: () => transport.close(),
    async deliver(message) {
      try {
        // Composed beforehand in one buffer (see mime.ts); nodemailer's pool does the SMTP, handed
        // the message directly (pool-handoff.ts). Through sendMail the Message-ID is given too, or
        // nodemailer would draw a random one for its log.
        const info = canHandOff(message)
          ? await handOff(transport.transporter, message)
          : await transport.sendMail({ envelope: message.envelope, raw: message.raw, messageId: message.messageId });
        return { ok: true, response: info.response };
      } catch (error) {
        const e = error as { code?: string; responseCode?: number; response?: string; command?: string; message: string };
        const { kind, cause } = classifySmtpFailure(e);
        return { ok: false, kind, cause, response: e.response ?? e.message };
      }
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

function fileMailer(dir: string): Mailer {
  return {
    describe: () => `file:${dir}`,
    close: () => {},
    async deliver(message) {
      try {
        mkdirSync(dir, { recursive: true });
        const name = `${message.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`;
        writeFileSync(join(dir, name), message.raw);
        return { ok: true, response: `written ${name}` };
      } catch (error) {
        return { ok: false, kind: 'transport', cause: 'the outbox directory cannot be written', response: (error as Error).message };
      }
    },
  };
}
