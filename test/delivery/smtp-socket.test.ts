import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpSocket } from '../../src/mail/smtp-socket.js';

/**
 * The SMTP socket sends the writes of one tick in one system call (the message and its
 * end-of-data dot), and holds back nothing past the tick that wrote it. Over real TCP on 127.0.0.1:
 * what the peer reads in one `data` event was sent as one segment.
 */
describe('the SMTP socket', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  async function connected() {
    const reads: string[] = [];
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer((peer) => {
        peer.setNoDelay(true);
        peer.on('data', (chunk: Buffer) => reads.push(chunk.toString()));
        resolve(peer);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server!.address() as { port: number }).port;
    const socket = await new Promise<Socket>((resolve, reject) =>
      smtpSocket({ host: '127.0.0.1', port }, (error, options) => (error ? reject(error) : resolve(options!.connection))),
    );
    const peer = await accepted;
    sockets.push(socket, peer);
    const readUntil = async (text: string) => {
      while (!reads.join('').endsWith(text)) await once(peer, 'data');
    };
    return { socket, peer, reads, readUntil };
  }

  it('sends the writes of one tick together, and each later tick at once', async () => {
    const { socket, reads, readUntil, peer } = await connected();
    expect(socket.writableCorked).toBe(0);
    socket.write('message body\r\n');
    socket.write(Buffer.from('.\r\n'));
    // Nothing is on the wire until the tick ends, then all of it in one segment.
    expect(socket.writableLength).toBeGreaterThan(0);
    await readUntil('.\r\n');
    expect(reads).toEqual(['message body\r\n.\r\n']);
    expect(socket.writableCorked).toBe(0);
    // A command that waits for its reply is not held for anything else.
    socket.write('MAIL FROM:<maya@tidewater.example>\r\n');
    await readUntil('>\r\n');
    expect(reads.at(-1)).toBe('MAIL FROM:<maya@tidewater.example>\r\n');
    socket.end();
    await once(peer, 'end');
  });

  it('reports an unreachable relay through the callback', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await new Promise<Error | null>((resolve) => smtpSocket({ host: '127.0.0.1', port }, (e) => resolve(e)));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
