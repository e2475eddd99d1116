import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import type { OutgoingMessage } from './transport.js';

/**
 * Composes an outgoing message into its RFC 5322 / MIME bytes in one pass: headers, then a
 * multipart/alternative of the text and HTML parts in quoted-printable.
 *
 * Why not nodemailer's composer: it builds a tree of MIME nodes and streams every part through
 * four transforms, one socket write per chunk — the costliest step of a send. Nurture's messages
 * always have the same shape, so they are composed as one buffer and handed to nodemailer's SMTP
 * pool as `raw`, which still does the SMTP (pooling, rate limit, dot-stuffing, replies). Header
 * encoding and folding reuse nodemailer's own functions.
 *
 * The output depends only on the message: the boundary is derived from the Message-ID, so a
 * message composed twice is byte-for-byte the same.
 */
export function composeMime(message: OutgoingMessage): Buffer {
  const boundary = `----=_nurture_${createHash('sha256').update(message.messageId).digest('hex').slice(0, 24)}`;
  const lines: string[] = [];
  // Values are single lines already (render.ts, message.ts); a line break that slipped through
  // anyway becomes a space here rather than a header of its own.
  const header = (name: string, value: string) => lines.push(mimeFuncs.foldLines(`${name}: ${value.replace(/[\r\n]+/g, ' ')}`, 76));
  header('From', addressHeader(message.from));
  if (message.replyTo) header('Reply-To', addressHeader(message.replyTo));
  header('To', addressHeader(message.to));
  header('Subject', encodedText(message.subject));
  header('Message-ID', message.messageId);
  if (Number.isNaN(message.date.getTime())) throw new Error(`message ${message.messageId} has no valid date`);
  header('Date', message.date.toUTCString().replace(/GMT$/, '+0000'));
  for (const [name, value] of Object.entries(message.headers)) header(name, encodedText(value));
  header('MIME-Version', '1.0');
  header('Content-Type', `multipart/alternative; boundary="${boundary}"`);
  const head = lines.join('\r\n');
  return Buffer.from(
    `${head}\r\n\r\n` +
      `--${boundary}\r\n${part('text/plain', message.text)}\r\n` +
      `--${boundary}\r\n${part('text/html', message.html)}\r\n` +
      `--${boundary}--\r\n`,
  );
}

function part(type: string, body: string): string {
  return `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(body)}`;
}

/** A header value that is not an address: MIME encoded-words when it is not plain ASCII. */
function encodedText(value: string): string {
  return mimeFuncs.isPlainText(value) ? value : mimeFuncs.encodeWords(value, 'Q', 52);
}

/** `Name <a@b.c>` or `"Name" <a@b.c>` (a quoted name may hold `\"` and `\\`), or a bare address. */
function parseAddress(value: string): { name: string; address: string } {
  const named = /^(.*)<([^<>]*)>$/s.exec(value.trim());
  if (!named) return { name: '', address: value.trim() };
  let name = named[1]!.trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  return { name, address: named[2]!.trim() };
}

/** The SMTP envelope of a message: the bare sender and recipient addresses. */
export function envelopeOf(message: OutgoingMessage): { from: string; to: string } {
  return { from: asciiDomain(parseAddress(message.from).address), to: asciiDomain(parseAddress(message.to).address) };
}

/**
 * An address header: the display name quoted when it is ASCII, else one encoded phrase as a whole
 * (so its commas, colons and brackets stay part of the name), and the domain punycoded.
 */
function addressHeader(value: string): string {
  const { name, address } = parseAddress(value);
  if (!name) return asciiDomain(address);
  const phrase = mimeFuncs.isPlainText(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : mimeFuncs.encodeWord(name, 'Q', 52);
  return `${phrase} <${asciiDomain(address)}>`;
}

function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  return /^[\x20-\x7e]*$/.test(domain) ? address : `${address.slice(0, at + 1)}${domainToASCII(domain) || domain}`;
}

/**
 * What quoted-printable must escape anywhere, besides '=': controls other than tab, and anything outside
 * ASCII (a surrogate pair is matched whole, so it becomes the 4 bytes of its code point). No `u`
 * flag: V8 scans a UCS-2 class several times faster.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const ESCAPED = /[\ud800-\udbff][\udc00-\udfff]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\uffff]/g;
const LINE_BREAK = /\r\n|\r|\n/;
const MAX_LINE = 76;

/**
 * Quoted-printable (RFC 2045 §6.7) of a UTF-8 string, with CRLF line breaks: escapes what must
 * be escaped (CR and LF are line breaks, kept as such), encodes whitespace at the end of a line,
 * and breaks lines longer than 76 characters with soft line breaks, never inside an escape.
 */
export function quotedPrintable(text: string): string {
  // '=' first (the commonest, in every HTML attribute, and a plain replace is several times faster),
  // then the rest, whose escapes bring their own '='.
  const lines = text.replaceAll('=', '=3D').replace(ESCAPED, escapeChar).split(LINE_BREAK);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const last = line.charCodeAt(line.length - 1);
    if (last === 0x20 || last === 0x09) line = `${line.slice(0, -1)}=${last === 0x20 ? '20' : '09'}`;
    if (line.length > MAX_LINE) line = softBreaks(line);
    lines[i] = line;
  }
  return lines.join('\r\n');
}

function softBreaks(line: string): string {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > MAX_LINE) {
    // Room for the '=' of the soft break; step back if that would cut an escape (=XX) in two.
    let cut = MAX_LINE - 1;
    if (rest[cut - 1] === '=') cut -= 1;
    else if (rest[cut - 2] === '=') cut -= 2;
    pieces.push(`${rest.slice(0, cut)}=`);
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces.join('\r\n');
}

const escapes = new Map<string, string>();

function escapeChar(char: string): string {
  let escaped = escapes.get(char);
  if (escaped !== undefined) return escaped;
  escaped = '';
  for (const byte of Buffer.from(char, 'utf8')) escaped += `=${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
  if (escapes.size < 4096) escapes.set(char, escaped);
  return escaped;
}
