import { basename } from 'node:path';
import type { EventInput } from '../db/events.js';
import type { QuarantineInput } from '../db/quarantine.js';
import type { LeadInput } from '../db/leads.js';
import type { ScoringModel } from '../domain/scoring.js';
import { type EventType, SUPPRESSING_EVENTS } from '../domain/types.js';
import type { Stores } from '../run/context.js';
import { rescoreLeads } from '../run/rescore.js';
import { eventDedupeKey, parseEventRow } from './event-rows.js';
import { parseLeadRow } from './lead-rows.js';
import { type InputRecord, readRecords } from './records.js';

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface ImportReport {
  file: string;
  rows: number;
  stored: number;
  inserted: number;
  updated: number;
  duplicates: number;
  rejected: RejectedRow[];
  notices: RejectedRow[];
  /** Events for addresses no lead has: kept in quarantine (not rejected) until a lead import resolves them. */
  quarantined: RejectedRow[];
  /** Quarantined events a lead import moved into the lead's events. */
  resolved: number;
  /** Leads rescored because the import changed their fields or events. */
  rescored: number;
}

export interface ImportOptions {
  onProgress?: (rows: number) => void;
  /** When given, the leads the import touched are rescored (incremental rescoring). */
  scoring?: ScoringModel;
}

const BATCH = 1000;

const emptyReport = (file: string): ImportReport => ({
  file,
  rows: 0,
  stored: 0,
  inserted: 0,
  updated: 0,
  duplicates: 0,
  rejected: [],
  notices: [],
  quarantined: [],
  resolved: 0,
  rescored: 0,
});

const optionsOf = (o: ImportOptions | ((rows: number) => void) | undefined): ImportOptions =>
  typeof o === 'function' ? { onProgress: o } : (o ?? {});

function suppressFrom(
  stores: Stores,
  events: readonly { leadId: number; type: EventType; occurredAt: number; source: string }[],
  now: number,
): void {
  for (const e of events) {
    if (SUPPRESSING_EVENTS.has(e.type)) stores.leads.suppress(e.leadId, e.type, e.occurredAt, e.source, now);
  }
}

/** Imports leads: valid rows are upserted in batches, every rejected row is reported with its line. */
export async function importLeads(
  stores: Stores,
  path: string,
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  const { onProgress, scoring } = optionsOf(opts);
  const report = emptyReport(path);
  const seen = new Map<string, { line: number; email: string }>();
  const touched = new Set<number>();
  let batch: { lead: LeadInput; evidence: string }[] = [];
  const flush = () => {
    const r = stores.leads.upsertBatch(batch, now);
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.stored += batch.length;
    const ids = stores.leads.idsByEmail(batch.map((b) => b.lead.email));
    // Events that arrived before their lead: move them in now that the lead exists.
    const resolved = stores.events.quarantine.resolve(ids, now);
    suppressFrom(stores, resolved, now);
    report.resolved += resolved.length;
    if (scoring) for (const id of ids.values()) touched.add(id);
    batch = [];
    onProgress?.(report.rows);
  };
  for await (const record of readRecords(path)) {
    report.rows++;
    if (record.kind === 'bad') {
      report.rejected.push({ line: record.line, reason: record.reason });
      continue;
    }
    const parsed = parseLeadRow(record.fields);
    if ('errors' in parsed) {
      report.rejected.push({ line: record.line, reason: parsed.errors.join('; ') });
      continue;
    }
    const earlier = seen.get(parsed.lead.email);
    if (earlier) {
      report.duplicates++;
      report.notices.push({
        line: record.line,
        reason: `same lead as line ${earlier.line} (${earlier.email} vs ${record.fields.email}): merged, later values win`,
      });
    } else seen.set(parsed.lead.email, { line: record.line, email: record.fields.email ?? '' });
    batch.push({ lead: parsed.lead, evidence: `${basename(path)} line ${record.line}` });
    if (batch.length >= BATCH) flush();
  }
  if (batch.length > 0) flush();
  // A lead given twice in the file is one lead: its second row merged into the first, not another update.
  report.updated -= report.duplicates;
  report.stored -= report.duplicates;
  if (scoring) report.rescored = rescoreLeads(stores, scoring, touched, now, `leads import ${basename(path)}`).rescored;
  return report;
}

/** Imports events; duplicates (same id, or same email+type+time+url) are stored once. */
export async function importEvents(
  stores: Stores,
  path: string,
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  return importEventRecords(stores, readRecords(path), { file: path, label: basename(path) }, now, opts);
}

/**
 * Imports event records from any source (a file, the webhook): `label` names the source in each
 * stored event's evidence, e.g. "events.csv line 12" or "webhook request 3f9a… item 2".
 */
export async function importEventRecords(
  stores: Stores,
  records: AsyncIterable<InputRecord> | Iterable<InputRecord>,
  source: { file: string; label: string },
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  const { onProgress, scoring } = optionsOf(opts);
  const report = emptyReport(source.file);
  const touched = new Set<number>();
  let batch: { input: EventInput; line: number }[] = [];
  const flush = () => {
    storeEventBatch(stores, batch, source.label, now, report, touched);
    batch = [];
    onProgress?.(report.rows);
  };
  for await (const record of records) {
    report.rows++;
    if (record.kind === 'bad') {
      report.rejected.push({ line: record.line, reason: record.reason });
      continue;
    }
    const parsed = parseEventRow(record.fields, now);
    if ('errors' in parsed) {
      report.rejected.push({ line: record.line, reason: parsed.errors.join('; ') });
      continue;
    }
    const e = parsed.event;
    batch.push({
      line: record.line,
      input: {
        leadId: 0,
        type: e.type,
        occurredAt: e.occurredAt,
        url: e.url,
        properties: e.properties,
        externalId: e.externalId,
        dedupeKey: eventDedupeKey(e),
        // Carries the email until the batch resolves lead ids.
        source: e.email,
      },
    });
    if (batch.length >= BATCH) flush();
  }
  if (batch.length > 0) flush();
  report.rejected.sort((a, b) => a.line - b.line);
  if (scoring) report.rescored = rescoreLeads(stores, scoring, touched, now, `events import ${source.label}`).rescored;
  return report;
}

/** Stores one batch: events of known leads go to `events`, the others to quarantine. */
function storeEventBatch(
  stores: Stores,
  batch: readonly { input: EventInput; line: number }[],
  label: string,
  now: number,
  report: ImportReport,
  touched: Set<number>,
): void {
  const ids = stores.leads.idsByEmail([...new Set(batch.map((b) => b.input.source))]);
  const valid: EventInput[] = [];
  const unknown: QuarantineInput[] = [];
  for (const b of batch) {
    const email = b.input.source;
    const leadId = ids.get(email);
    const where = `${label} line ${b.line}`;
    if (leadId === undefined) {
      const reason = `email: no lead with address ${email} (kept in quarantine until a leads import adds it)`;
      report.quarantined.push({ line: b.line, reason });
      unknown.push({ ...b.input, email, source: where, reason });
      continue;
    }
    valid.push({ ...b.input, leadId, source: where });
    touched.add(leadId);
  }
  stores.events.quarantine.add(unknown, now);
  const inserted = stores.events.insertBatch(valid, now);
  report.inserted += inserted;
  report.duplicates += valid.length - inserted;
  report.stored += inserted; // an event seen before is counted, not stored again
  suppressFrom(stores, valid, now);
}
