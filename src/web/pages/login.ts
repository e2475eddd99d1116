import { escapeHtml } from '../router.js';

const e = escapeHtml;

/**
 * The login page: the password form when `NURTURE_SERVE_PASSWORD` is set, and in any case how to
 * use the one-time URL that `nurture serve` prints. No workspace data, not even sequence names.
 */
export function loginPage(options: { passwordEnabled: boolean; next: string; message?: string }): string {
  const form = options.passwordEnabled
    ? `<form method="post" action="/login"><input type="hidden" name="next" value="${e(options.next)}">
<label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button></form>
<p>Or open the one-time login URL that <code>nurture serve</code> printed when it started.</p>`
    : `<p>Open the one-time login URL that <code>nurture serve</code> printed in its terminal
(<code>…/login?token=…</code>). Each URL works once; <code>serve</code> prints a new one after each use.</p>
<p>To log in with a password instead, start <code>serve</code> with <code>NURTURE_SERVE_PASSWORD</code> set.</p>`;
  const message = options.message ? `<p class="removed" id="login-message">${e(options.message)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · Nurture</title><link rel="stylesheet" href="/assets/review.css"></head>
<body><header><strong>Nurture</strong></header>
<main><h1>Log in to the review pages</h1>
${message}${form}
</main></body></html>`;
}
