import { randomBytes } from 'node:crypto';
import { compile } from 'html-to-text';

/** HTML to plain text, compiled once (building the converter per message costs more than converting). */
export const htmlToText = compile({
  // Not wrapped: a line's length would depend on the lead's values (see TextParts). QP soft-wraps
  // long lines on the wire, and mail clients wrap plain text to their own width.
  wordwrap: false,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: '.preheader', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // Email layouts use tables for layout, not data: read them as blocks (and 4× faster).
    { selector: 'table', format: 'block' },
    { selector: 'tbody', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
  ],
});

/** The values a template renders with, and the same context with each value replaced by a token. */
export interface Masked<T> {
  masked: T;
  values: string[];
  /** `values[0 … leadValues - 1]` come from the lead. */
  leadValues: number;
  /** What the template can branch on: keys, array lengths, and which values are empty (falsy). */
  shape: string;
  /**
   * False when a value begins or ends with whitespace: html-to-text merges it with the spaces
   * around it, which the skeleton's token cannot; such a message is converted directly.
   */
  fits: boolean;
}

/**
 * The plain-text part of each message, at a fraction of html-to-text's cost per message.
 *
 * Converting each message's HTML to text was the costliest step of rendering it. But a template
 * produces the same text for every lead but for the values put in it; only which branches it
 * takes (`{{#if lead.company}}`) changes the rest. So each template is rendered once per shape of
 * its context with every value replaced by a token (same keys, same empty values, so the same
 * branches), converted once, and each message's text is that skeleton with its values put back.
 *
 * What html-to-text would do to a value itself is done to it here: whitespace collapsed, upper
 * case where the token came out upper case (headings). What it does depending on a value's
 * content cannot be, so those templates are converted message by message: one that outputs a
 * value as raw HTML, looks a value up, or keeps whitespace (`fitsSkeleton`); one that puts a
 * lead's value in a link's URL; and any whose skeleton does not give the text of the first
 * message of its shape, or of one in RECHECK_EVERY after it. So does a message with a value that
 * begins or ends with whitespace.
 */
export class TextParts {
  /** Letters no template contains: a token is `x<nonce><n>x`. */
  private readonly nonce = [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  private readonly token = new RegExp(`x${this.nonce}(\\d+)x`, 'gi');
  /** Text parts made so far: from a skeleton, or converted from the message's HTML. */
  readonly counts = { fromSkeleton: 0, converted: 0 };
  /** Per template and shape: its skeleton, or null when the template is converted directly. */
  private readonly skeletons = new Map<string, Skeleton | null>();

  /**
   * The context with every non-empty string and non-zero number replaced by a token: first what
   * comes from the lead (`fromLead`: its fields, and the subject and preheader made from them),
   * then the rest (sender, sequence, links), which is the same for every lead or made by us.
   */
  mask<L extends object, R extends object>(fromLead: L, rest: R): Masked<L & R> {
    const values: string[] = [];
    const shape: string[] = [];
    let fits = true;
    const walk = (value: unknown): unknown => {
      if (typeof value === 'string' || typeof value === 'number') {
        if (!value) {
          shape.push('0');
          return value;
        }
        if (typeof value === 'string' && EDGE_WHITESPACE.test(value)) fits = false;
        shape.push('v');
        values.push(String(value));
        return this.tokenAt(values.length - 1);
      }
      if (Array.isArray(value)) {
        shape.push(`[${value.length}`);
        return value.map(walk);
      }
      if (value !== null && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
          shape.push(`{${key}`);
          out[key] = walk(inner);
        }
        shape.push('}');
        return out;
      }
      shape.push(String(value));
      return value;
    };
    const maskedLead = walk(fromLead) as L;
    const leadValues = values.length;
    const masked = { ...maskedLead, ...(walk(rest) as R) };
    return { masked, values, leadValues, shape: shape.join('\u0000'), fits };
  }

  /** The text of a message whose template cannot use a skeleton (see `fitsSkeleton`). */
  direct(html: string): string {
    this.counts.converted++;
    return htmlToText(html);
  }

  /** The token of `values[index]`. */
  tokenAt(index: number): string {
    return `x${this.nonce}${index}x`;
  }

  /**
   * The text of one message. `key` names the template and the shape of its context (null: convert
   * the HTML directly, the context does not fit a skeleton), `values` are the message's own
   * values in token order, `renderMasked` renders the template's HTML from the masked context,
   * and `html` is the message's real HTML (converted directly when needed).
   */
  text(key: string | null, values: string[], leadValues: number, renderMasked: () => string, html: string): string {
    const known = key === null ? null : this.skeletons.get(key);
    if (known === null || known === undefined) this.counts.converted++;
    else this.counts.fromSkeleton++;
    if (key === null || known === null) return htmlToText(html);
    if (known === undefined) {
      const direct = htmlToText(html);
      // Bounded: a base whose leads come in endless shapes gets no benefit from it, and no leak.
      if (this.skeletons.size < MAX_SKELETONS) this.learn(key, renderMasked(), values, leadValues, direct);
      return direct;
    }
    const text = this.fill(known.text, values);
    // Checked again now and then, in case a template's text depends on a value in a way the first
    // message of its shape did not show; it is then converted directly from then on.
    if (++known.uses % RECHECK_EVERY === 0) {
      const direct = htmlToText(html);
      if (direct !== text) this.skeletons.set(key, null);
      return direct;
    }
    return text;
  }

  /**
   * Keeps the skeleton of a template and shape if it gives this message's text. Not when a link's
   * URL holds a value from the lead: html-to-text shows a link differently when its URL begins
   * with "mailto:" or "#", or equals the link's text, which depends on the value itself.
   */
  private learn(key: string, maskedHtml: string, values: string[], leadValues: number, direct: string): void {
    let leadInUrl = false;
    for (const [attribute = ''] of maskedHtml.matchAll(HREF)) {
      for (const [, index] of attribute.matchAll(this.token)) if (Number(index) < leadValues) leadInUrl = true;
    }
    const text = htmlToText(maskedHtml);
    this.skeletons.set(key, !leadInUrl && this.fill(text, values) === direct ? { text, uses: 0 } : null);
  }

  private fill(skeleton: string, values: string[]): string {
    return skeleton.replace(this.token, (token: string, index: string) => {
      const value = (values[Number(index)] ?? '').replace(WHITESPACE_RUN, ' ');
      return token === token.toUpperCase() ? value.toUpperCase() : value;
    });
  }
}

interface Skeleton {
  text: string;
  /** Messages made from it: every RECHECK_EVERY-th is checked against html-to-text again. */
  uses: number;
}

const HREF = /\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

/**
 * Templates whose text can depend on a value's content, not just on whether it is empty: a value
 * output as raw HTML (a triple-stash, other than a layout's `{{{body}}}`), a `lookup` whose key is
 * a value, and preformatted text (its whitespace is kept). They are converted message by message.
 */
export function fitsSkeleton(source: string): boolean {
  return !/\{\{\{(?!\s*body\s*\}\}\})|\blookup\b|<(pre|textarea)\b/i.test(source);
}

const RECHECK_EVERY = 64;
const MAX_SKELETONS = 512;
/** What html-to-text counts as whitespace (its `whitespaceCharacters` default), no more: not U+00A0. */
const EDGE_WHITESPACE = /^[ \t\r\n\f\u200b]|[ \t\r\n\f\u200b]$/;
const WHITESPACE_RUN = /[ \t\r\n\f\u200b]+/g;
