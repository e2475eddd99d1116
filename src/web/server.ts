import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Router } from './router.js';

const MAX_BODY_BYTES = 1_000_000;

/** Serves a Router over node:http. Binds 127.0.0.1 unless told otherwise. */
export function serve(router: Router, options: { host: string; port: number }): Promise<Server> {
  const server = createServer((req, res) => {
    void handleNode(router, req, res, options);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

async function handleNode(router: Router, req: IncomingMessage, res: ServerResponse, options: { host: string; port: number }) {
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end('Payload too large');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') headers.set(k, v);
      else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    }
    const body = chunks.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    const request = new Request(`http://${options.host}:${options.port}${req.url ?? '/'}`, { method: req.method, headers, body });
    const response = await router.handle(request);
    // Each Set-Cookie apart: folding them into one header (as an object of entries would) loses all but one.
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of response.headers) if (k !== 'set-cookie') out[k] = v;
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    res.writeHead(response.status, out);
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}
