import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

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

export type DeliveryResult =
  | { ok: true; response: string }
  | { ok: false; permanent: boolean; response: string };

/** The one thing a run needs from a mail system. */
export interface Mailer {
  deliver(message: OutgoingMessage): Promise<DeliveryResult>;
  close(): void;
  describe(): string;
}

/**
 * Builds a mailer from a URL: `smtp://host:port` / `smtps://user:pass@host` (nodemailer, pooled),
 * or `file:./outbox` (one .eml per message, written by nodemailer's stream transport).
 */
export function createMailer(url: string, workspaceDir: string): Mailer {
  if (url.startsWith('file:')) {
    const raw = url.slice('file:'.length);
    const dir = isAbsolute(raw) ? raw : join(workspaceDir, raw);
    return fileMailer(dir);
  }
  if (url.startsWith('smtp://') || url.startsWith('smtps://')) return smtpMailer(url);
  throw new Error(`unsupported mail URL "${url}" (expected smtp://host:port, smtps://… or file:./outbox)`);
}

function smtpMailer(url: string): Mailer {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 4,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as SMTPTransport.Options & { url: string; pool: true });
  return {
    describe: () => url.replace(/\/\/[^@/]*@/, '//***@'),
    close: () => transport.close(),
    async deliver(message) {
      try {
        const info = await transport.sendMail(message);
        return { ok: true, response: info.response };
      } catch (error) {
        const e = error as { responseCode?: number; response?: string; message: string };
        const permanent = e.responseCode !== undefined && e.responseCode >= 500;
        return { ok: false, permanent, response: e.response ?? e.message };
      }
    },
  };
}

function fileMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: () => `file:${dir}`,
    close: () => transport.close(),
    async deliver(message) {
      try {
        const info = await transport.sendMail(message);
        mkdirSync(dir, { recursive: true });
        const name = `${message.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`;
        writeFileSync(join(dir, name), info.message as Buffer);
        return { ok: true, response: `written ${name}` };
      } catch (error) {
        return { ok: false, permanent: false, response: (error as Error).message };
      }
    },
  };
}
