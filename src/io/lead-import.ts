import { basename } from 'node:path';
import type { EventInput } from '../db/events.js';
import type { LeadInput } from '../db/leads.js';
import { type EventType, SUPPRESSING_EVENTS } from '../domain/types.js';
import type { Stores } from '../run/context.js';
import { columnReader } from './columns.js';
import { nulColumn, nulReason } from './nul-cells.js';
import type { ImportStore, ImportWrites } from './import-store.js';
import { importStoreOf } from './sqlite-import-store.js';
import { type ParsedLead, parseLeadRow } from './lead-rows.js';
import { readRecords } from './records.js';
import { emptyReport, type ImportOptions, type ImportReport, optionsOf, type PreviewRow, reportMapping } from './report.js';
import { LEAD_FIELDS } from './types.js';

const BATCH = 1000;
const PREVIEW_ROWS = 5;

/** Suppresses the leads of the unsubscribes, bounces and complaints among these events. */
export async function suppressFrom(
  tx: ImportWrites,
  events: readonly { leadId: number; type: EventType; occurredAt: number; source: string }[],
  now: number,
): Promise<void> {
  for (const e of events) {
    if (SUPPRESSING_EVENTS.has(e.type)) await tx.suppress(e.leadId, e.type, e.occurredAt, e.source, now);
  }
}

interface Pending {
  parsed: ParsedLead;
  line: number;
  evidence: string;
}

const previewOf = (p: Pending): PreviewRow => ({
  line: p.line,
  email: p.parsed.lead.email,
  firstName: p.parsed.lead.firstName ?? '',
  lastName: p.parsed.lead.lastName ?? '',
  company: p.parsed.lead.company ?? '',
  jobTitle: p.parsed.lead.jobTitle ?? '',
  industry: p.parsed.lead.industry ?? '',
  country: p.parsed.lead.country ?? '',
  timezone: p.parsed.lead.timezone ?? '',
  zoneSource: p.parsed.lead.zoneSource ?? 'workspace',
  consent: p.parsed.lead.consent ?? '(unchanged)',
  attributes: p.parsed.lead.attributes,
});

/**
 * Imports leads: headers mapped (presets, --map, nurture.yaml's import.map), valid rows upserted
 * in batches, every rejected row reported with its line. With `settings.check` nothing is stored.
 */
export async function importLeads(
  target: Stores | ImportStore,
  path: string,
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  const { onProgress, scoring, settings = {} } = optionsOf(opts);
  const store = importStoreOf(target);
  const report = emptyReport(path);
  report.checked = settings.check ?? false;
  const seen = new Map<string, { line: number; email: string }>();
  const touched = new Set<number>();
  const read = columnReader('leads', LEAD_FIELDS, settings, (m) => reportMapping(report, m));
  let batch: Pending[] = [];
  const flush = async () => {
    if (!report.checked) await storeLeadBatch(store, batch, now, report, touched);
    else report.stored += batch.length;
    batch = [];
    onProgress?.(report.rows);
  };
  for await (const record of readRecords(path)) {
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
    const parsed = parseLeadRow(fields, attributes);
    if ('errors' in parsed) {
      report.rejected.push({ line: record.line, reason: parsed.errors.join('; ') });
      continue;
    }
    for (const reason of parsed.notes) report.notices.push({ line: record.line, reason });
    const email = parsed.lead.email;
    const earlier = seen.get(email);
    if (earlier) {
      report.duplicates++;
      report.notices.push({
        line: record.line,
        reason: `same lead as line ${earlier.line} (${earlier.email} vs ${fields.email}): merged, later values win`,
      });
    } else {
      seen.set(email, { line: record.line, email: fields.email ?? '' });
      report.zones[parsed.lead.zoneSource ?? 'workspace']++;
      if (parsed.optedOut) report.optedOut++;
      if (parsed.bounced) report.bounced++;
      if (parsed.customer) report.customers++;
    }
    const pending = { parsed, line: record.line, evidence: `${basename(path)} line ${record.line}` };
    if (report.preview.length < PREVIEW_ROWS) report.preview.push(previewOf(pending));
    batch.push(pending);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  // A lead given twice in the file is one lead: its second row merged into the first, not another update.
  report.updated -= report.duplicates;
  report.stored -= report.duplicates;
  if (scoring && !report.checked)
    report.rescored = (await store.rescore(scoring, touched, now, `leads import ${basename(path)}`)).rescored;
  return report;
}

/**
 * Upserts one batch, then what the rows say beyond their fields: bounces, customers, quarantined
 * events. All of it in the batch's writes (one transaction on PostgreSQL); the report is filled
 * from what they return, once, after they are committed.
 */
async function storeLeadBatch(store: ImportStore, batch: readonly Pending[], now: number, report: ImportReport, touched: Set<number>): Promise<void> {
  const rows = batch.map((p) => ({ lead: p.parsed.lead as LeadInput, evidence: p.evidence }));
  const { r, ids, resolved } = await store.batch(async (tx) => {
    const r = await tx.upsertLeads(rows, now);
    const ids = await tx.idsByEmail(batch.map((b) => b.parsed.lead.email));
    const lifecycle: EventInput[] = [];
    for (const p of batch) {
      const id = ids.get(p.parsed.lead.email);
      if (id === undefined) continue;
      if (p.parsed.bounced) await tx.suppress(id, 'bounced', now, p.evidence, now);
      // A CRM customer stops nurture as a `became_customer` event does; stored once, whatever the re-imports.
      if (p.parsed.customer)
        lifecycle.push({
          leadId: id,
          type: 'became_customer',
          occurredAt: now,
          url: '',
          properties: { lifecycle_stage: p.parsed.lead.attributes.lifecycle_stage ?? 'customer' },
          dedupeKey: `crm-customer:${p.parsed.lead.email}`,
          source: p.evidence,
        });
    }
    if (lifecycle.length > 0) await tx.insertEvents(lifecycle, now);
    // Events that arrived before their lead: move them in now that the lead exists.
    const resolved = await tx.resolveQuarantine(ids, now);
    await suppressFrom(tx, resolved, now);
    return { r, ids, resolved };
  });
  report.inserted += r.inserted;
  report.updated += r.updated;
  report.stored += batch.length;
  const lineOf = new Map(batch.map((p) => [p.evidence, p.line]));
  for (const f of r.refused)
    report.refused.push({
      line: lineOf.get(f.evidence) ?? 0,
      reason: `consent: ${f.email} is ${f.because}: the file's "${f.asked}" was refused, consent stays ${f.kept} (only a new opt-in through the confirmation link re-subscribes)`,
    });
  report.resolved += resolved.length;
  for (const id of ids.values()) touched.add(id);
}
