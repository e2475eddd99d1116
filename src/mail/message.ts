import type { LeadProfile, Sequence, Step } from '../domain/types.js';
import { signLinkAt } from './links.js';
import type { Renderer, Sender } from './render.js';
import { singleLine } from './render.js';
import { composeMime, envelopeOf } from './mime.js';
import type { ComposedMessage, OutgoingMessage } from './transport.js';

export interface MessageInput {
  lead: LeadProfile;
  sequence: Pick<Sequence, 'id' | 'name'>;
  step: Pick<Step, 'id' | 'force' | 'template'> & { subject?: string; variant?: string };
  ref: string;
  sender: Sender;
  baseUrl: string;
  secret: string;
  /** The moment of the run that sends it. */
  at: number;
  /** A mailbox someone reads for `mailto:` unsubscribes (nurture.yaml `unsubscribeMailbox`); none: the HTTPS link alone. */
  unsubscribeMailbox?: string;
}

function senderDomain(sender: Sender): string {
  return sender.email.slice(sender.email.lastIndexOf('@') + 1);
}

/** The Message-ID of an enrolment step's message: the same each time it is rendered. */
export function messageIdFor(ref: string, sender: Sender): string {
  return `<${ref}@${senderDomain(sender)}>`;
}

/** A display name is quoted by nodemailer; CR/LF are stripped first so nothing can inject a header. */
function address(name: string, email: string): { name: string; address: string } {
  return { name: singleLine(name), address: singleLine(email) };
}

/**
 * Renders one touch into a complete message: signed unsubscribe and tracking links, RFC 8058
 * one-click unsubscribe headers, and a Message-ID that is the same every time this enrolment
 * step is rendered (so a retry is recognisable as the same message downstream).
 */
export function buildMessage(renderer: Renderer, input: MessageInput): OutgoingMessage {
  const base = input.baseUrl.replace(/\/$/, '');
  const unsubscribe = `${base}/u/${signLinkAt(input.secret, { kind: 'unsubscribe', ref: input.ref }, input.at)}`;
  const rendered = renderer.render({
    lead: input.lead,
    sender: input.sender,
    sequence: input.sequence,
    step: input.step,
    links: { unsubscribe },
    track: (url) => `${base}/c/${signLinkAt(input.secret, { kind: 'click', ref: input.ref, url }, input.at)}`,
  });
  const pixel = `<img src="${base}/o/${signLinkAt(input.secret, { kind: 'open', ref: input.ref }, input.at)}" width="1" height="1" alt="" style="display:none">`;
  const html = rendered.html.includes('</body>') ? rendered.html.replace('</body>', `${pixel}</body>`) : rendered.html + pixel;
  return outgoing({
    sender: input.sender,
    to: input.lead.email,
    ref: input.ref,
    at: input.at,
    unsubscribe,
    unsubscribeMailbox: input.unsubscribeMailbox,
    subject: rendered.subject,
    html,
    text: rendered.text,
    tags: {
      'X-Nurture-Sequence': input.sequence.id,
      'X-Nurture-Step': input.step.id,
      'X-Nurture-Force': input.step.force,
      ...(input.step.variant ? { 'X-Nurture-Variant': input.step.variant } : {}),
    },
  });
}

/**
 * What every message carries around its content: the sender (display name quoted, line breaks
 * stripped) and recipient, the Message-ID of its ref, the run's moment as its date, and the
 * RFC 8058 one-click unsubscribe headers: the signed URL, and a mailto naming the ref only when a
 * mailbox that someone reads is configured (a mailto to nobody would drop unsubscribes silently).
 */
export function outgoing(parts: {
  sender: Sender;
  to: string;
  ref: string;
  at: number;
  unsubscribe: string;
  unsubscribeMailbox?: string;
  subject: string;
  html: string;
  text: string;
  /** X-Nurture-* headers: which sequence and step the message belongs to. */
  tags: Record<string, string>;
}): OutgoingMessage {
  const from = address(parts.sender.name, parts.sender.email);
  return {
    from: `"${from.name.replace(/"/g, "'")}" <${from.address}>`,
    replyTo: parts.sender.replyTo,
    to: singleLine(parts.to),
    subject: parts.subject,
    html: parts.html,
    text: parts.text,
    messageId: messageIdFor(parts.ref, parts.sender),
    date: new Date(parts.at),
    headers: {
      'List-Unsubscribe': parts.unsubscribeMailbox
        ? `<${parts.unsubscribe}>, <mailto:${parts.unsubscribeMailbox}?subject=unsubscribe-${parts.ref}>`
        : `<${parts.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      ...parts.tags,
    },
  };
}

/** A message ready for the wire: its SMTP envelope and its bytes (see mime.ts). */
export function composed(message: OutgoingMessage): ComposedMessage {
  return { messageId: message.messageId, envelope: envelopeOf(message), raw: composeMime(message) };
}

/** Renders and composes one touch: what a run hands to the mailer. */
export function composeMessage(renderer: Renderer, input: MessageInput): ComposedMessage {
  return composed(buildMessage(renderer, input));
}
