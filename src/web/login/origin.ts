/**
 * Whether a state-changing request comes from our own pages. A browser names the page's origin
 * in `Origin` on every POST (our pages send `Referrer-Policy: same-origin`, under which it is not
 * blanked to `null`); a form on another site names that site. The host we answer as is the
 * `Host` header, or what a reverse proxy says it forwarded (`X-Forwarded-Host`, `Forwarded:
 * host=`), or the workspace's public `baseUrl`. A request with no `Origin` at all (curl, a script)
 * is judged by its CSRF token alone.
 */
export function originAllowed(request: Request, publicOrigins: readonly string[]): boolean {
  if (request.headers.get('sec-fetch-site') === 'cross-site') return false;
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false; // 'null', or garbage
  }
  return ourHosts(request, publicOrigins).has(host);
}

function ourHosts(request: Request, publicOrigins: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  const add = (value: string | null | undefined) => {
    const v = value?.trim().replace(/^"|"$/g, '').toLowerCase();
    if (v) hosts.add(v);
  };
  add(request.headers.get('host'));
  add(new URL(request.url).host);
  for (const h of (request.headers.get('x-forwarded-host') ?? '').split(',')) add(h);
  for (const m of (request.headers.get('forwarded') ?? '').matchAll(/host=("[^"]*"|[^;,\s]+)/gi)) add(m[1]);
  for (const o of publicOrigins) {
    try {
      add(new URL(o).host);
    } catch {
      // not a URL: nothing to add
    }
  }
  return hosts;
}
