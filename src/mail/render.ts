import Handlebars from 'handlebars';
import type { LeadProfile, Sequence, Step } from '../domain/types.js';
import type { EmailTemplate, TemplateSet } from '../workspace/templates.js';
import { fitsSkeleton, TextParts } from './text-part.js';

export interface Sender {
  name: string;
  email: string;
  company: string;
  postalAddress: string;
  replyTo?: string;
}

export interface RenderInput {
  lead: LeadProfile;
  sender: Sender;
  sequence: Pick<Sequence, 'id' | 'name'>;
  /** A nurture step, or a system message such as the double opt-in confirmation. */
  step: Pick<Step, 'id' | 'template'> & { force: string };
  links: { unsubscribe: string; confirm?: string };
  /** Turns a destination URL into a signed click-tracking URL. */
  track: (url: string) => string;
}

export interface RenderedEmail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

type Compiled = Handlebars.TemplateDelegate;

/** Compiles a workspace's templates once and renders messages from them (strict: a missing variable throws). */
export class Renderer {
  private readonly env = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();
  private readonly texts = new TextParts();
  /** Per email: whether its text can come from a skeleton (see `fitsSkeleton`). */
  private readonly skeletonFits = new Map<string, boolean>();

  constructor(private readonly templates: TemplateSet) {
    for (const [name, source] of templates.partials) this.env.registerPartial(name, source);
    this.env.registerHelper('track', (url: unknown, options: Handlebars.HelperOptions) => {
      const track = (options.data as { track?: (u: string) => string }).track;
      if (typeof url !== 'string' || !track) throw new Error('track expects a URL string');
      return track(url);
    });
    // `{{default lead.firstName "there"}}`: the value, or the fallback when it is empty.
    this.env.registerHelper('default', (value: unknown, fallback: unknown) =>
      value === undefined || value === null || String(value).trim() === '' ? fallback : value,
    );
  }

  private compile(key: string, source: string, noEscape = false): Compiled {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.env.compile(source, { strict: true, noEscape, knownHelpers: { track: true, default: true } });
      this.cache.set(key, fn);
    }
    return fn;
  }

  private fitsSkeleton(email: EmailTemplate, layout: string): boolean {
    let fits = this.skeletonFits.get(email.name);
    if (fits === undefined) {
      fits = [email.body, layout, ...this.templates.partials.values()].every(fitsSkeleton);
      this.skeletonFits.set(email.name, fits);
    }
    return fits;
  }

  /** How the text parts rendered so far were made (see text-part.ts). */
  get textParts(): { fromSkeleton: number; converted: number } {
    return { ...this.texts.counts };
  }

  render(input: RenderInput): RenderedEmail {
    const email = this.templates.emails.get(input.step.template);
    if (!email) throw new Error(`template "${input.step.template}" not found`);
    const layout = this.templates.layouts.get(email.layout);
    if (layout === undefined) throw new Error(`layout "${email.layout}" not found`);
    const context = {
      lead: input.lead,
      sender: input.sender,
      sequence: input.sequence,
      step: input.step,
      links: input.links,
    };
    const tracked: string[] = [];
    const data = {
      track: (url: string) => {
        const signed = input.track(url);
        tracked.push(signed);
        return signed;
      },
    };
    // Subjects are headers, not HTML: not escaped, but line breaks are removed (no header injection).
    const subject = singleLine(this.compile(`s:${email.name}`, email.subject, true)(context, { data }));
    const preheader = singleLine(this.compile(`p:${email.name}`, email.preheader, true)(context, { data }));
    const trackedInHeaders = tracked.length;
    const body = this.compile(`b:${email.name}`, email.body)(context, { data });
    const layoutFn = this.compile(`l:${email.layout}`, layout);
    const html = layoutFn({ ...context, body, subject, preheader }, { data });
    const text = this.fitsSkeleton(email, layout)
      ? this.textFromSkeleton(email, layoutFn, context, subject, preheader, tracked.slice(trackedInHeaders), html)
      : this.texts.direct(html);
    return { subject, preheader, html, text };
  }

  /** The text part: the template's text skeleton with this message's values (text-part.ts). */
  private textFromSkeleton(
    email: EmailTemplate,
    layoutFn: Compiled,
    context: Pick<RenderInput, 'lead' | 'sender' | 'sequence' | 'step' | 'links'>,
    subject: string,
    preheader: string,
    tracked: string[],
    html: string,
  ): string {
    const { lead, ...rest } = context;
    const { masked, values, leadValues, shape, fits } = this.texts.mask({ lead, subject, preheader }, rest);
    const fromContext = values.length;
    values.push(...tracked);
    const renderMasked = () => {
      let n = 0;
      const maskedData = { track: () => this.texts.tokenAt(fromContext + n++) };
      const maskedBody = this.compile(`b:${email.name}`, email.body)(masked, { data: maskedData });
      return layoutFn({ ...masked, body: maskedBody }, { data: maskedData });
    };
    const key = fits ? [email.name, context.sequence.id, context.step.id, values.length, shape].join('\u0000') : null;
    return this.texts.text(key, values, leadValues, renderMasked, html);
  }
}

export function singleLine(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
