import { basename } from 'node:path';
import type { EventInput } from '../db/events.js';
import type { QuarantineInput } from '../db/quarantine.js';
import type { Stores } from '../run/context.js';
import { columnReader } from './columns.js';
import { nulColumn, nulReason } from './nul-cells.js';
import type { ImportStore } from './import-store.js';
import { importStoreOf } from './sqlite-import-store.js';
import { eventDedupeKey, parseEventRow } from './event-rows.js';
import { importLeads, suppressFrom } from './lead-import.js';
import { type InputRecord, readRecords } from './records.js';
import { emptyReport, type ImportOptions, type ImportReport, optionsOf, reportMapping } from './report.js';
import { EVENT_FIELDS } from './types.js';

export type { ImportOptions, ImportReport, RejectedRow } from './report.js';
export { importLeads };

const BATCH = 1000;

/** Imports events; duplicates (same id, or same email+type+time+url) are stored once. */
export async function importEvents(
  stores: Stores | ImportStore,
  path: string,
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  return importEventRecords(stores, readRecords(path), { file: path, label: basename(path) }, now, opts);
}

/**
 * Imports event records from any source (a file, the webhook): `label` names the source in each
 * stored event's evidence, e.g. "events.csv line 12" or "webhook request 3f9a… item 2". Headers
 * are mapped as for leads (`Event`, `Timestamp`…); `now` is the moment future events are refused against.
 */
export async function importEventRecords(
  target: Stores | ImportStore,
  records: AsyncIterable<InputRecord> | Iterable<InputRecord>,
  source: { file: string; label: string },
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  const { onProgress, scoring, settings = {} } = optionsOf(opts);
  const store = importStoreOf(target);
  const report = emptyReport(source.file);
  report.checked = settings.check ?? false;
  const reading = { zone: settings.defaultZone ?? 'UTC', dateFormat: settings.dateFormat };
  const read = columnReader('events', EVENT_FIELDS, settings, (m) => reportMapping(report, m));
  const touched = new Set<number>();
  let batch: { input: EventInput; line: number }[] = [];
  const flush = async () => {
    if (!report.checked) await storeEventBatch(store, batch, source.label, now, report, touched);
    else report.stored += batch.length;
    batch = [];
    onProgress?.(report.rows);
  };
  for await (const record of records) {
    report.rows++;
    if (record.kind === 'bad') {
      report.rejected.push({ line: record.line, reason: record.reason });
      continue;
    }
    const nul = nulColumn(record.fields);
    if (nul !== undefined) {
      report.rejected.push({ line: record.line, reason: nulReason(nul) });
      continue;
    }
    const { fields, attributes } = read(record.fields);
    const parsed = parseEventRow(fields, attributes, now, reading);
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
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  report.rejected.sort((a, b) => a.line - b.line);
  if (scoring && !report.checked)
    report.rescored = (await store.rescore(scoring, touched, now, `events import ${source.label}`)).rescored;
  return report;
}

/** Stores one batch: events of known leads go to `events`, the others to quarantine (one transaction on PostgreSQL). */
async function storeEventBatch(
  store: ImportStore,
  batch: readonly { input: EventInput; line: number }[],
  label: string,
  now: number,
  report: ImportReport,
  touched: Set<number>,
): Promise<void> {
  const { valid, unknown, inserted } = await store.batch(async (tx) => {
    const ids = await tx.idsForEvents([...new Set(batch.map((b) => b.input.source))]);
    const valid: (EventInput & { line: number })[] = [];
    const unknown: (QuarantineInput & { line: number })[] = [];
    for (const b of batch) {
      const email = b.input.source;
      const leadId = ids.get(email);
      const where = `${label} line ${b.line}`;
      if (leadId === undefined) {
        const reason = `email: no lead with address ${email} (kept in quarantine until a leads import adds it)`;
        unknown.push({ ...b.input, email, source: where, reason, line: b.line });
        continue;
      }
      valid.push({ ...b.input, leadId, source: where, line: b.line });
    }
    await tx.quarantine(unknown, now);
    const inserted = await tx.insertEvents(valid, now);
    await suppressFrom(tx, valid, now);
    return { valid, unknown, inserted };
  });
  for (const q of unknown) report.quarantined.push({ line: q.line, reason: q.reason });
  for (const v of valid) touched.add(v.leadId);
  report.inserted += inserted;
  report.duplicates += valid.length - inserted;
  report.stored += inserted; // an event seen before is counted, not stored again
}
