import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SmtpSink {
  url: string;
  /** Every message accepted so far, parsed on arrival. */
  messages: ParsedMail[];
  /** Resolves once every accepted message has been parsed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package). `reject` lets a test refuse
 * recipients with a given SMTP reply code.
 */
export async function startSmtpSink(
  options: { reject?: (rcpt: string) => number | undefined } = {},
): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const parsing: Promise<void>[] = [];
  const config: SMTPServerOptions = {
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
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
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        parsing.push(
          simpleParser(Buffer.concat(chunks)).then((m) => {
            messages.push(m);
          }),
        );
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    settled: async () => {
      await Promise.all(parsing);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
