/** Small readers for provider JSON: nothing here trusts a shape it has not checked. */

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string field, or a number written as one; '' when absent. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

/** A lower-cased address, or undefined when the field does not hold one. */
export function address(v: unknown): string | undefined {
  const s = text(v).toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(s) ? s : undefined;
}

/** Unix seconds (SendGrid, Mailgun: may carry a fraction) to epoch milliseconds. */
export function fromUnixSeconds(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

/** An ISO 8601 date-time with a zone (Postmark, SES) to epoch milliseconds. */
export function fromIso(v: unknown): number | undefined {
  const s = text(v);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(s)) return undefined;
  const ms = Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Message-ID in its header form, `<local@domain>`, whether or not the provider kept the brackets. */
export function messageIdOf(v: unknown): string | undefined {
  const s = text(v).replace(/^<|>$/g, '');
  return s.includes('@') ? `<${s}>` : undefined;
}

/** Properties without the empty ones. */
export function props(entries: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
