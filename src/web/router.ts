/**
 * A small router over the standard Fetch API `Request`/`Response`, so every handler can be tested
 * in process (`await web.handle(new Request(...))`) and served by node:http through one adapter.
 */
export type Params = Record<string, string>;
export type Handler = (request: Request, params: Params) => Response | Promise<Response>;
/** Runs around every request, matched or not (the login gate, the security headers): call `next()` to go on. */
export type Middleware = (request: Request, next: () => Promise<Response>) => Response | Promise<Response>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly middleware: Middleware[] = [];

  /** Adds a middleware; the first one added runs outermost. */
  use(middleware: Middleware): this {
    this.middleware.push(middleware);
    return this;
  }

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  get(pattern: string, handler: Handler): this {
    return this.on('GET', pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.on('POST', pattern, handler);
  }

  async handle(request: Request): Promise<Response> {
    const run = (i: number): Promise<Response> =>
      i < this.middleware.length ? Promise.resolve(this.middleware[i]!(request, () => run(i + 1))) : this.dispatch(request);
    try {
      return await run(0);
    } catch (error) {
      console.error(`${request.method} ${new URL(request.url).pathname}:`, error);
      return text('Internal error', 500);
    }
  }

  private async dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const parts = pathParts(url);
    if (!parts) return text('Bad request: the path is not valid percent-encoding', 400);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = match(route.parts, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== request.method && !(route.method === 'GET' && request.method === 'HEAD')) continue;
      try {
        return await route.handler(request, params);
      } catch (error) {
        // One default error handler: log the bug, tell the client nothing about internals.
        console.error(`${request.method} ${url.pathname}:`, error);
        return text('Internal error', 500);
      }
    }
    return pathMatched ? text('Method not allowed', 405) : text('Not found', 404);
  }
}

/** The decoded segments of a path, as routes are matched against them; null when a segment is not valid percent-encoding. */
export function pathParts(url: URL): string[] | null {
  try {
    return url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
}

function match(pattern: string[], parts: string[]): Params | null {
  if (pattern.length !== parts.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = parts[i]!;
    else if (p !== parts[i]) return null;
  }
  return params;
}

// The rest (CSP, Referrer-Policy) is set on every response by security-headers.ts.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...headers } });
}

export function html(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers } });
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...SECURITY_HEADERS } });
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
