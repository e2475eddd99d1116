import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** What the sink answers at the end of DATA: accept, an SMTP error reply, or drop the connection. */
export type SinkReply = 'accept' | 'destroy' | { code: number; message?: string };

/** One message transfer, as the hooks see it. `index` counts transfers from 0 in arrival order. */
export interface SinkTransfer {
  index: number;
  from: string;
  to: string[];
  /** The session had upgraded to TLS (STARTTLS) before this transfer. */
  secure: boolean;
}

export interface SmtpSinkOptions {
  /**
   * Offers AUTH (over plain text too) and answers each login with the returned refusal, e.g.
   * `{ code: 535, message: '5.7.8 Authentication credentials invalid' }`, or accepts it (undefined).
   */
  auth?: (user: string, pass: string) => { code: number; message: string } | undefined;
  /** Offers STARTTLS with this key and certificate (PEM); `required`: MAIL FROM before it gets 530. */
  tls?: { key: string; cert: string; required: boolean };
  /** Refuses the sender at MAIL FROM with the returned reply code (a relay that will not take our mail). */
  rejectSender?: (from: string) => number | undefined;
  /** Refuses a recipient at RCPT TO with the returned reply code. */
  reject?: (rcpt: string) => number | undefined;
  /**
   * Called on the first chunk of DATA; returning 'destroy' drops the connection mid-transfer, so
   * the client never gets an answer (the message is not kept).
   */
  onDataStart?: (transfer: SinkTransfer) => 'destroy' | undefined;
  /**
   * Called once the whole message has arrived, before the server answers: the answer waits for
   * the returned promise (a test holds the reply this way). Default: accept.
   */
  onMessage?: (transfer: SinkTransfer) => SinkReply | undefined | Promise<SinkReply | undefined>;
}

export interface SmtpSink {
  url: string;
  /** Every message accepted so far, parsed on arrival. */
  messages: ParsedMail[];
  /** The bytes of every accepted message as the server received them (after SMTP dot-unstuffing), in arrival order. */
  raw: Buffer[];
  /** Every transfer that reached DATA, accepted or not. */
  transfers: SinkTransfer[];
  /** Emits 'message' (ParsedMail) for each accepted message once parsed, 'transfer' at each DATA. */
  events: EventEmitter;
  /** Accepted messages addressed to `email` (case-insensitive). */
  messagesTo(email: string): ParsedMail[];
  countTo(email: string): number;
  /** Resolves once every accepted message has been parsed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package). `reject` lets a test refuse
 * recipients with a given SMTP reply code; `onDataStart` and `onMessage` let it drop a connection
 * mid-transfer, answer with an error, or hold the reply until the test lets it go.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const raws: Buffer[] = [];
  const transfers: SinkTransfer[] = [];
  const parsing: Promise<void>[] = [];
  const events = new EventEmitter();
  const sockets = new Map<number, Socket>();
  const disabledCommands = [...(options.auth ? [] : ['AUTH']), ...(options.tls ? [] : ['STARTTLS'])];
  const config: SMTPServerOptions = {
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      const refusal = options.auth?.(auth.username ?? '', auth.password ?? '');
      if (refusal) {
        const error = new Error(refusal.message) as Error & { responseCode: number };
        error.responseCode = refusal.code;
        callback(error);
        return;
      }
      callback(null, { user: auth.username });
    },
    onMailFrom(address, session, callback) {
      if (options.tls?.required && !session.secure) {
        const error = new Error('5.7.0 Must issue a STARTTLS command first') as Error & { responseCode: number };
        error.responseCode = 530;
        callback(error);
        return;
      }
      const code = options.rejectSender?.(address.address);
      if (code) {
        const error = new Error(`sender ${address.address} not allowed`) as Error & { responseCode: number };
        error.responseCode = code;
        callback(error);
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const code = options.reject?.(address.address);
      if (code) {
        const error = new Error(`recipient ${address.address} rejected`) as Error & { responseCode: number };
        error.responseCode = code;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const transfer: SinkTransfer = {
        index: transfers.length,
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        secure: session.secure,
      };
      transfers.push(transfer);
      events.emit('transfer', transfer);
      const chunks: Buffer[] = [];
      let dropped = false;
      // A dropped connection may end the stream with an error: that is the point, not a failure.
      stream.on('error', () => undefined);
      stream.on('data', (c: Buffer) => {
        if (chunks.length === 0 && options.onDataStart?.(transfer) === 'destroy') {
          dropped = true;
          sockets.get(session.remotePort)?.destroy();
        }
        chunks.push(c);
      });
      stream.on('end', () => {
        if (dropped) return;
        void answer(transfer, Buffer.concat(chunks), callback, session.remotePort);
      });
    },
  };
  async function answer(transfer: SinkTransfer, raw: Buffer, callback: (error?: Error | null) => void, remotePort: number) {
    const reply = (await options.onMessage?.(transfer)) ?? 'accept';
    if (reply === 'destroy') {
      sockets.get(remotePort)?.destroy();
      return;
    }
    if (reply !== 'accept') {
      const error = new Error(reply.message ?? `message ${transfer.index} refused`) as Error & { responseCode: number };
      error.responseCode = reply.code;
      callback(error);
      return;
    }
    raws.push(raw);
    parsing.push(
      simpleParser(raw).then((m) => {
        messages.push(m);
        events.emit('message', m);
      }),
    );
    callback();
  }
  const server = new SMTPServer(config);
  // A client killed while the server held its reply: writing the late answer fails, harmlessly.
  server.on('error', () => undefined);
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  const addressedTo = (m: ParsedMail, email: string) => {
    const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
    return to.some((a) => a.value.some((v) => v.address?.toLowerCase() === email.toLowerCase()));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    raw: raws,
    transfers,
    events,
    messagesTo: (email) => messages.filter((m) => addressedTo(m, email)),
    countTo: (email) => messages.filter((m) => addressedTo(m, email)).length,
    settled: async () => {
      await Promise.all(parsing);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
