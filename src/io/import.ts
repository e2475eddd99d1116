import { basename } from 'node:path';
import type { EventInput } from '../db/events.js';
import type { LeadInput } from '../db/leads.js';
import { SUPPRESSING_EVENTS } from '../domain/types.js';
import type { Stores } from '../run/context.js';
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
}

const BATCH = 1000;

/** Imports leads: valid rows are upserted in batches, every rejected row is reported with its line. */
export async function importLeads(
  stores: Stores,
  path: string,
  now: number,
  onProgress?: (rows: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = {
    file: path,
    rows: 0,
    stored: 0,
    inserted: 0,
    updated: 0,
    duplicates: 0,
    rejected: [],
    notices: [],
  };
  const seen = new Map<string, { line: number; email: string }>();
  let batch: { lead: LeadInput; evidence: string }[] = [];
  const flush = () => {
    const r = stores.leads.upsertBatch(batch, now);
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.stored += batch.length;
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
  return report;
}

/** Imports events; duplicates (same id, or same email+type+time+url) are stored once. */
export async function importEvents(
  stores: Stores,
  path: string,
  now: number,
  onProgress?: (rows: number) => void,
): Promise<ImportReport> {
  return importEventRecords(stores, readRecords(path), { file: path, label: basename(path) }, now, onProgress);
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
  onProgress?: (rows: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = {
    file: source.file,
    rows: 0,
    stored: 0,
    inserted: 0,
    updated: 0,
    duplicates: 0,
    rejected: [],
    notices: [],
  };
  let batch: { input: EventInput; line: number }[] = [];
  const flush = () => {
    const ids = stores.leads.idsByEmail([...new Set(batch.map((b) => b.input.source))]);
    const valid: EventInput[] = [];
    for (const b of batch) {
      const leadId = ids.get(b.input.source);
      if (leadId === undefined) {
        report.rejected.push({
          line: b.line,
          reason: `email: no lead with address ${b.input.source} (import the lead first)`,
        });
        continue;
      }
      valid.push({ ...b.input, leadId, source: `${source.label} line ${b.line}` });
    }
    const inserted = stores.events.insertBatch(valid, now);
    report.inserted += inserted;
    report.duplicates += valid.length - inserted;
    report.stored += inserted; // an event seen before is counted, not stored again
    for (const e of valid) {
      if (SUPPRESSING_EVENTS.has(e.type))
        stores.leads.suppress(e.leadId, e.type, e.occurredAt, e.source, now);
    }
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
  return report;
}
