import type { Transport } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { ComposedMessage } from './transport.js';

/**
 * What nodemailer's SMTP pool reads of a queued mail (lib/smtp-pool: the Message-ID for its log;
 * the envelope, the Message-ID and the bytes to send; `data` for DSN options): a composed message
 * needs nothing more.
 */
interface PooledMail {
  data: Record<string, never>;
  message: {
    getHeader(key: string): string | undefined;
    getEnvelope(): { from: string; to: string[] };
    messageId(): string;
    /** The SMTP connection writes a Buffer as it is (dot-stuffed), like a stream's chunks. */
    createReadStream(): Buffer;
  };
}

/**
 * A plain address, in ASCII, that the SMTP connection takes as it is: no display name, comment,
 * list or quoting that nodemailer's address parser would read differently.
 */
const PLAIN_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** Whether `message` can skip nodemailer's composer: its envelope is two plain addresses. */
export function canHandOff(message: ComposedMessage): boolean {
  return PLAIN_ADDRESS.test(message.envelope.from) && PLAIN_ADDRESS.test(message.envelope.to);
}

/**
 * Queues a composed message on nodemailer's SMTP pool directly (the transport's `send(mail, cb)`),
 * skipping what `sendMail` would add for a raw message: a mail composer and a MIME node (random
 * boundary, header normalisation, its address parser run over our envelope) whose only use is to
 * hand the pool the same envelope and bytes. The pool still does all of SMTP: connections,
 * rate limit, dot-stuffing, replies and errors, which are the ones `sendMail` would give.
 * Only for messages `canHandOff` accepts; others go through `sendMail`.
 */
export function handOff(pool: Transport<SMTPPool.SentMessageInfo>, message: ComposedMessage): Promise<SMTPPool.SentMessageInfo> {
  const envelope = { from: message.envelope.from, to: [message.envelope.to] };
  const mail: PooledMail = {
    data: {},
    message: {
      getHeader: (key) => (key.toLowerCase() === 'message-id' ? message.messageId : undefined),
      // A copy each time: the SMTP connection writes its state into the envelope it is given.
      getEnvelope: () => ({ from: envelope.from, to: [...envelope.to] }),
      messageId: () => message.messageId,
      createReadStream: () => message.raw,
    },
  };
  return new Promise((resolve, reject) => {
    const send = pool.send.bind(pool) as unknown as (mail: PooledMail, callback: (error: Error | null, info: SMTPPool.SentMessageInfo) => void) => boolean | undefined;
    // A closed pool queues nothing and never calls back (sendMail would wait forever): said here.
    const queued = send(mail, (error, info) => (error ? reject(error) : resolve(info)));
    if (queued === false) reject(Object.assign(new Error('the SMTP connection pool is closed'), { code: 'ECONNECTION' }));
  });
}
