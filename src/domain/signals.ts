import type { Classification, MessageSignals, SignalEvent } from './signal-types.js';

/**
 * The honest event ledger: is an open or click a person, or a machine? Pure: it sees one
 * message's opens and clicks (what was kept of each: user agent, HTTP method, provider flags)
 * and when the message was delivered, and gives each a class and a reason.
 *
 * Worked example: a message delivered at 10:00:00; an open at 10:00:04 with no earlier
 * interaction is a machine (images fetched at delivery, as security gateways do); clicks on
 * three links at 10:00:09 are a scanner (within seconds of delivery, several in one second);
 * a Gmail image-proxy fetch at 14:12 is a person (Gmail fetches when the reader opens).
 */

/** An open this soon after delivery, before any interaction, is a prefetch. */
export const OPEN_AT_DELIVERY_MS = 60_000;
/** A click this soon after delivery is a link scanner: nobody reads and clicks that fast. */
export const CLICK_AT_DELIVERY_MS = 30_000;
/** Clicks on one message this close together are a scanner following every link. */
export const CLICK_BURST_MS = 1_000;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/** Image proxies that fetch when the reader opens the message: a person. */
const READER_PROXIES: readonly [RegExp, string][] = [
  [/GoogleImageProxy|ggpht\.com/i, 'Gmail image proxy (fetches when the reader opens)'],
  [/YahooMailProxy/i, 'Yahoo Mail image proxy (fetches when the reader opens)'],
];

/** Apple Mail Privacy Protection fetches every image through Apple's proxy, read or not. */
const APPLE_PROXY = /^Mozilla\/5\.0( \(Macintosh; Intel Mac OS X [\d_]+\) AppleWebKit\/[\d.]+ \(KHTML, like Gecko\))?$/;

const GATEWAYS: readonly [RegExp, string][] = [
  [/barracuda/i, 'Barracuda'],
  [/mimecast/i, 'Mimecast'],
  [/proofpoint/i, 'Proofpoint'],
  [/ironport|cisco/i, 'Cisco IronPort'],
  [/messagelabs|symantec/i, 'Symantec MessageLabs'],
  [/forcepoint/i, 'Forcepoint'],
  [/trend ?micro/i, 'Trend Micro'],
  [/sophos/i, 'Sophos'],
  [/zscaler/i, 'Zscaler'],
  [/safelinks|microsoft office protection|\bATP\b/i, 'Microsoft Defender Safe Links'],
  [/appriver|spamtitan|hornetsecurity/i, 'mail security gateway'],
  [/headlesschrome|phantomjs|python-requests|curl\/|wget|go-http-client|java\/|libwww|okhttp|axios|node-fetch/i, 'automated HTTP client'],
  [/bot\b|crawler|spider|preview/i, 'bot or link preview'],
];

/**
 * A provider's own machine flag: SendGrid's `sg_machine_open` (kept as `machineOpen` by the
 * webhook), Mailgun's `client-info.bot` (kept as `bot`: the bot's name, e.g. `apple`, or empty for
 * a person), or a plain `machine`/`bot` property of an import.
 */
function providerFlag(p: Readonly<Record<string, string>>): Classification | undefined {
  const sendgrid = p.sg_machine_open ?? p.machineOpen;
  if (truthy(sendgrid)) return { signal: 'machine', reason: 'SendGrid flagged a machine open (sg_machine_open)' };
  let bot = p['client-info.bot'] ?? p.client_info_bot ?? p.bot;
  if (bot === undefined && p['client-info']) {
    try {
      const info = JSON.parse(p['client-info']) as { bot?: unknown };
      if (info.bot !== undefined && info.bot !== null) bot = String(info.bot);
    } catch {
      // not JSON: no flag
    }
  }
  if (bot === undefined || bot.trim() === '' || /^(0|false|no)$/i.test(bot.trim())) return truthy(p.machine) ? MACHINE_FLAG : undefined;
  if (truthy(bot)) return MACHINE_FLAG;
  // Mailgun names the bot: Google's is Gmail's image proxy, which fetches when the reader opens.
  if (/gmail|google/i.test(bot)) return { signal: 'human', reason: `Mailgun: Gmail image proxy (client-info.bot: ${bot}) fetches when the reader opens` };
  return { signal: 'machine', reason: `Mailgun flagged a bot (client-info.bot: ${bot})` };
}

const MACHINE_FLAG: Classification = { signal: 'machine', reason: 'the provider flagged it as a machine' };

function byAgent(e: SignalEvent): Classification | undefined {
  const ua = e.properties.ua;
  if (ua === undefined) return undefined; // imported without one: nothing to say
  for (const [pattern, name] of READER_PROXIES) if (pattern.test(ua)) return { signal: 'human', reason: name };
  if (ua.trim() === '') return { signal: 'machine', reason: 'no user agent' };
  if (e.type === 'email_opened' && APPLE_PROXY.test(ua.trim()))
    return { signal: 'machine', reason: 'Apple Mail Privacy Protection proxy (fetches every image, read or not)' };
  for (const [pattern, name] of GATEWAYS)
    if (pattern.test(ua)) return { signal: 'machine', reason: `${e.type === 'email_clicked' ? 'link scanner' : 'image prefetch'}: ${name} user agent` };
  return undefined;
}

const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

function byTiming(e: SignalEvent, i: number, all: readonly SignalEvent[], deliveredAt: number | null): Classification | undefined {
  if (e.type === 'email_clicked') {
    if (deliveredAt !== null && e.at - deliveredAt < CLICK_AT_DELIVERY_MS)
      return { signal: 'machine', reason: `scanner click: ${seconds(e.at - deliveredAt)} after delivery` };
    const burst = all.some((o, j) => j !== i && o.type === 'email_clicked' && Math.abs(o.at - e.at) < CLICK_BURST_MS);
    if (burst) return { signal: 'machine', reason: 'scanner click: several links clicked within the same second' };
    return undefined;
  }
  const first = i === 0 || all.slice(0, i).every((o) => o.at === e.at && o.type === 'email_opened');
  if (deliveredAt !== null && first && e.at - deliveredAt < OPEN_AT_DELIVERY_MS)
    return { signal: 'machine', reason: `machine open: images fetched ${seconds(e.at - deliveredAt)} after delivery, before any interaction` };
  return undefined;
}

/** The class of one open or click among its message's others (`all`, ascending in time; `i` its index). */
export function classifyOne(all: readonly SignalEvent[], i: number, deliveredAt: number | null): Classification {
  const e = all[i]!;
  const flagged = providerFlag(e.properties);
  if (flagged) return flagged;
  if (e.properties.method?.toUpperCase() === 'HEAD')
    return { signal: 'machine', reason: 'a HEAD request (link checkers ask for headers; people follow the link)' };
  // A reader's proxy (Gmail) is a person whenever it fetches; a gateway agent a machine.
  const agent = byAgent(e);
  if (agent) return agent;
  const timing = byTiming(e, i, all, deliveredAt);
  if (timing) return timing;
  return { signal: 'human', reason: e.type === 'email_clicked' ? 'clicked by a person (no machine pattern)' : 'opened by a person (no machine pattern)' };
}

/** Every open and click of one message, classified; same order as `message.events` once sorted by time. */
export function classifyMessage(message: MessageSignals): Map<SignalEvent, Classification> {
  const sorted = [...message.events].sort((a, b) => a.at - b.at || a.id - b.id);
  const out = new Map<SignalEvent, Classification>();
  sorted.forEach((e, i) => out.set(e, classifyOne(sorted, i, message.deliveredAt)));
  return out;
}

/** An open or click with no message to relate it to (an import without a known ref): flags and agent only. */
export function classifyAlone(e: SignalEvent): Classification {
  return classifyOne([e], 0, null);
}
