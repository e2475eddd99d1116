import { connect, type Socket } from 'node:net';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The socket nodemailer's pool talks SMTP over (its `getSocket` option), plain TCP:
 *
 * - Nagle off: nodemailer writes the end-of-data dot apart from the message, and Nagle plus delayed
 *   ACKs would hold every message ~40 ms (100 msg/s a pool).
 * - Writes made in one tick go out in one system call: the message and its end-of-data dot are two
 *   writes in the same tick, each otherwise a system call of its own (on a virtual machine one
 *   costs 50–100 µs, as much as composing the message). The socket is corked at the first write of
 *   a tick and uncorked at the end of it (process.nextTick runs before any I/O): nothing waits
 *   longer than the code that wrote it, and a command that waits for a reply goes at once.
 * - nodemailer's connectionTimeout starts after getSocket: an unreachable relay is bounded here.
 */
export function smtpSocket(
  options: { host?: string; port?: number },
  callback: (error: Error | null, socketOptions?: { connection: Socket }) => void,
): void {
  const socket = connect({ host: options.host, port: options.port ?? 587 });
  socket.setNoDelay(true);
  coalesceWrites(socket);
  socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`connection to ${options.host}:${options.port} timed out`)));
  const onError = (error: Error) => callback(error);
  socket.once('error', onError);
  socket.once('connect', () => {
    socket.setTimeout(0);
    socket.removeListener('error', onError);
    callback(null, { connection: socket });
  });
}

/** Corks `socket` at the first write of a tick and uncorks it at the end of that tick. */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: Parameters<Socket['write']>) => boolean).apply(this, args);
  } as Socket['write'];
}
