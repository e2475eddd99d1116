import type { App, PgApp } from '../../app.js';
import { importEventRecords } from '../../io/import.js';
import { nulColumn } from '../../io/nul-cells.js';
import type { SendMatching } from '../../store/send-match-types.js';
import { importTargetOf } from '../import-target.js';
import { sendMatchingOf } from './send-matching.js';
import type { InputRecord } from '../../io/records.js';
import type { EspEvent, EspItem, EspProvider } from './types.js';

export interface EspReport {
  provider: EspProvider;
  request: string;
  /** Items in the request (an SES notification counts one per recipient). */
  received: number;
  stored: number;
  duplicates: number;
  /** Events in the request tied to one of our sends. */
  matched: number;
  ignored: { item: string; reason: string }[];
  quarantined: { item: string; reason: string }[];
  rejected: { item: string; reason: string }[];
}

/** The ref inside our Message-ID `<ref@sender-domain>` (see mail/message.ts). */
function refOf(messageId: string): string {
  return messageId.slice(1, messageId.lastIndexOf('@'));
}

/**
 * Ties an event to the send it is about: by our Message-ID when the provider reports it (SendGrid's
 * `smtp-id`, Mailgun's `message-id` header, SES's `commonHeaders.messageId`), else by recipient and
 * time — the last message sent to that address before the event (Postmark, SendGrid opens).
 */
async function matchSend(matcher: SendMatching, e: EspEvent): Promise<Record<string, string>> {
  // A NUL matches no send, and PostgreSQL cannot even be asked: the import rejects the item (io/nul-cells.ts).
  if (nulColumn({ email: e.email, messageId: e.messageId ?? '' }) !== undefined) return e.messageId ? { messageId: e.messageId } : {};
  const byId = e.messageId ? await matcher.byRef(refOf(e.messageId)) : undefined;
  const send = byId?.email === e.email ? byId : await matcher.latestSentTo(e.email, e.occurredAt);
  if (!send) return e.messageId ? { messageId: e.messageId } : {};
  return {
    ...(e.messageId ? { messageId: e.messageId } : {}),
    send: String(send.id),
    sequence: send.sequenceId,
    step: send.stepId,
    matchedBy: send === byId ? 'message-id' : 'recipient-time',
  };
}

/**
 * Stores a provider's events through the same path as `events import` (dedupe by the provider's
 * event id, quarantine for unknown addresses, suppression on hard bounces, complaints and
 * unsubscribes, rescoring), and reports every item that was not stored.
 */
export async function storeEspItems(app: App | PgApp, provider: EspProvider, items: readonly EspItem[], request: string): Promise<EspReport> {
  const target = importTargetOf(app);
  const now = app.clock.now();
  const matcher = sendMatchingOf(app);
  const report: EspReport = { provider, request, received: items.length, stored: 0, duplicates: 0, matched: 0, ignored: [], quarantined: [], rejected: [] };
  const records: InputRecord[] = [];
  const itemOfLine: string[] = [];
  for (const it of items) {
    if (it.kind === 'ignored') report.ignored.push({ item: it.item, reason: it.reason });
    else if (it.kind === 'bad') report.rejected.push({ item: it.item, reason: it.reason });
    else {
      const e = it.event;
      const matched = await matchSend(matcher, e);
      if (matched.send) report.matched++;
      itemOfLine.push(it.item);
      records.push({
        kind: 'row',
        line: itemOfLine.length,
        fields: {
          ...e.properties,
          ...matched,
          email: e.email,
          type: e.type,
          // A provider's clock a little ahead of ours is not an event from the future.
          occurred_at: new Date(Math.min(e.occurredAt, now)).toISOString(),
          id: `${provider}:${e.eventId}`,
          url: e.url,
        },
      });
    }
  }
  if (records.length > 0) {
    const imported = await importEventRecords(target, records, { file: `${provider} webhook`, label: `${provider} webhook ${request} item` }, now, {
      scoring: app.workspace.scoring,
    });
    report.stored = imported.stored;
    report.duplicates = imported.duplicates;
    const item = (line: number) => itemOfLine[line - 1] ?? String(line);
    report.quarantined = imported.quarantined.map((q) => ({ item: item(q.line), reason: q.reason }));
    report.rejected.push(...imported.rejected.map((r) => ({ item: item(r.line), reason: r.reason })));
  }
  return report;
}
