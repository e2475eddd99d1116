import type { App, PgApp } from '../app.js';
import { checkLink, type LinkPayload } from '../mail/links.js';
import { linkEventsOf } from './links/of-app.js';
import { recordLinkEvent } from './record-link-event.js';
import { escapeHtml, html, type Router, text } from './router.js';
import { styleHash } from './security-headers.js';

/** A 1×1 transparent GIF for the open pixel. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const CSS =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1d2a33}' +
  'button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#0b5c73;color:#fff;cursor:pointer}';
/** A recipient's page: no script at all, only this page's own style, forms only back to us. */
const CSP = `default-src 'none'; style-src ${styleHash(CSS)}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

function page(title: string, body: string, status = 200): Response {
  return html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escapeHtml(title)}</title><style>${CSS}</style></head>` +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    status,
    { 'cache-control': 'no-store', 'content-security-policy': CSP },
  );
}

/**
 * The endpoints behind every email's links. Tokens are HMAC-signed (src/mail/links.ts); a forged
 * or tampered token gets a 400 and changes nothing, an expired one a 410. None of these URLs holds
 * a lead id or an address, so no lead can be enumerated from them.
 */
export function registerLinkRoutes(router: Router, app: App | PgApp): void {
  const links = linkEventsOf(app);
  const verify = (token: string, kind: LinkPayload['kind']): LinkPayload | Response => {
    const check = checkLink(app.secret, token, app.clock.now());
    if (!check.ok) {
      return check.reason === 'expired'
        ? page('This link has expired', '<p>Links in our emails stop working after a while. Use the link in a newer email.</p>', 410)
        : page('This link is not valid', '<p>The link may have been cut short or changed. Nothing was done.</p>', 400);
    }
    if (check.payload.kind !== kind) return page('This link is not valid', '<p>Nothing was done.</p>', 400);
    return check.payload;
  };

  // GET shows a button, so that mail scanners that follow links cannot unsubscribe anyone.
  router.get('/u/:token', (_request, { token }) => {
    const payload = verify(token!, 'unsubscribe');
    if (payload instanceof Response) return payload;
    return page(
      'Unsubscribe',
      `<p>Stop all emails from ${escapeHtml(app.workspace.config.sender.company)} to this address?</p>` +
        `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  // RFC 8058 one-click: a POST with no cookies and no confirmation; honoured at once.
  router.post('/u/:token', async (request, { token }) => {
    const payload = verify(token!, 'unsubscribe');
    if (payload instanceof Response) return payload;
    const leadId = (await links.messageOfRef(payload.ref))?.leadId;
    if (leadId === undefined) return page('This link is not valid', '<p>Nothing was done.</p>', 404);
    const now = app.clock.now();
    await recordLinkEvent(links, now, request, 'unsubscribed', payload.ref);
    await links.suppress(leadId, 'unsubscribed', now, `one-click unsubscribe link, message ${payload.ref}`, now);
    return page('You are unsubscribed', '<p>You will not receive any more emails from us at this address.</p>');
  });

  // A HEAD reaches these GET handlers too: recorded, and classified as a machine.
  router.get('/c/:token', async (request, { token }) => {
    const payload = verify(token!, 'click');
    if (payload instanceof Response) return payload;
    // Only the URL inside the signed token, and only http(s): never an open redirect.
    const target = payload.url && /^https?:\/\//i.test(payload.url) ? payload.url : undefined;
    if (!target) return page('This link is not valid', '<p>Nothing was done.</p>', 400);
    await recordLinkEvent(links, app.clock.now(), request, 'email_clicked', payload.ref, target);
    return new Response(null, { status: 302, headers: { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
  });

  router.get('/o/:token', async (request, { token }) => {
    const now = app.clock.now();
    const check = checkLink(app.secret, token!, now);
    if (check.ok && check.payload.kind === 'open') await recordLinkEvent(links, now, request, 'email_opened', check.payload.ref);
    // Always the pixel: an image tag has no use for an error page.
    return new Response(PIXEL, { status: 200, headers: { 'content-type': 'image/gif', 'cache-control': 'no-store' } });
  });

  router.get('/k/:token', (_request, { token }) => {
    const payload = verify(token!, 'confirm');
    if (payload instanceof Response) return payload;
    return page('Confirm your subscription', '<p>One more click and you are in.</p><form method="post"><button type="submit">Yes, send me the emails</button></form>');
  });

  router.post('/k/:token', async (request, { token }) => {
    const payload = verify(token!, 'confirm');
    if (payload instanceof Response) return payload;
    const now = app.clock.now();
    const outcome = await links.confirmByRef(payload.ref, now, `double opt-in link, message ${payload.ref}, from ${request.headers.get('user-agent') ?? 'unknown agent'}`);
    if (outcome === 'unknown') return page('This link is not valid', '<p>Nothing was done.</p>', 404);
    if (outcome === 'refused') return page('We cannot confirm this address', '<p>This address has unsubscribed or bounced, so we will not email it.</p>', 409);
    return page('Thank you, you are confirmed', '<p>Your first email will arrive soon. Every email has a one-click unsubscribe link.</p>');
  });

  router.get('/healthz', () => text('ok'));
}
