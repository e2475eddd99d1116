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
 * case where the token came out upper case (headings). The first message of each shape is also
 * converted directly, and a template whose skeleton does not give that same text (one that
 * branches on a value's content, say) is always converted directly from then on.
 */
export class TextParts {
  /** Letters no template contains: a token is `x<nonce><n>x`. */
  private readonly nonce = [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  private readonly token = new RegExp(`x${this.nonce}(\\d+)x`, 'gi');
  private readonly skeletons = new Map<string, string | null>();

  /** The context with every non-empty string and non-zero number replaced by a token. */
  mask<T>(context: T): Masked<T> {
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
    const masked = walk(context) as T;
    return { masked, values, shape: shape.join('\u0000'), fits };
  }

  /** The token of `values[index]`. */
  tokenAt(index: number): string {
    return `x${this.nonce}${index}x`;
  }

  /**
   * The text of one message. `key` names the template and the shape of its context (null: convert
   * the HTML directly, the context does not fit a skeleton), `values` are
   * the message's own values in token order, `renderMasked` renders the template's HTML from the
   * masked context, and `html` is the message's real HTML (converted directly when needed).
   */
  text(key: string | null, values: string[], renderMasked: () => string, html: string): string {
    if (key === null) return htmlToText(html);
    const known = this.skeletons.get(key);
    if (known === null) return htmlToText(html);
    if (known !== undefined) return this.fill(known, values);
    const skeleton = htmlToText(renderMasked());
    const direct = htmlToText(html);
    // A bounded cache: a base whose leads come in endless shapes gets no benefit, and no leak.
    if (this.skeletons.size >= MAX_SKELETONS) this.skeletons.clear();
    this.skeletons.set(key, this.fill(skeleton, values) === direct ? skeleton : null);
    return direct;
  }

  private fill(skeleton: string, values: string[]): string {
    return skeleton.replace(this.token, (token: string, index: string) => {
      const value = (values[Number(index)] ?? '').replace(WHITESPACE_RUN, ' ');
      return token === token.toUpperCase() ? value.toUpperCase() : value;
    });
  }
}

const MAX_SKELETONS = 512;
/** What html-to-text counts as whitespace (its `whitespaceCharacters` default), no more: not U+00A0. */
const EDGE_WHITESPACE = /^[ \t\r\n\f\u200b]|[ \t\r\n\f\u200b]$/;
const WHITESPACE_RUN = /[ \t\r\n\f\u200b]+/g;
