import type { App } from '../../app.js';
import { escapeHtml } from '../router.js';

/**
 * The shell of every review page: one stylesheet, a nav bar with the logout button, no inline
 * script (the CSP forbids it: scripts come from /assets/). review.js fills the CSRF field of every
 * form that changes something. The empty `<style data-fullcalendar>` is where FullCalendar puts
 * its CSS through the CSSOM: the one inline style the CSP allows (by the hash of its empty text).
 */
export function layout(app: Pick<App, 'workspace'>, title: string, body: string, scripts: string[] = []): string {
  const nav = [
    '<a href="/calendar">Calendar</a>',
    ...app.workspace.sequences.map((s) => `<a href="/sequences/${encodeURIComponent(s.id)}">${escapeHtml(s.name)}</a>`),
    '<a href="/diff">Plan diff</a>',
    '<a href="/report">What works</a>',
  ].join(' ');
  const logout = '<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value=""><button type="submit">Log out</button></form>';
  const fullcalendar = scripts.some((s) => s.endsWith('/fullcalendar.js')) ? '<style data-fullcalendar></style>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Nurture</title>${fullcalendar}<link rel="stylesheet" href="/assets/review.css"></head>
<body><header><strong>Nurture</strong> <nav>${nav}</nav> ${logout}</header>
<main><h1>${escapeHtml(title)}</h1>
${body}
</main>
${['/assets/review.js', ...scripts].map((s) => `<script src="${s}"></script>`).join('\n')}
</body></html>`;
}

export function tableHtml(headers: string[], rows: string[][], className = ''): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Query parameter, or undefined when missing or empty. */
export function param(request: Request, name: string): string | undefined {
  const value = new URL(request.url).searchParams.get(name);
  return value === null || value === '' ? undefined : value;
}
