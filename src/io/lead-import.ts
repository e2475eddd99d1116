import { basename } from 'node:path';
import type { EventInput } from '../db/events.js';
import type { LeadInput } from '../db/leads.js';
import { type EventType, SUPPRESSING_EVENTS } from '../domain/types.js';
import type { Stores } from '../run/context.js';
import { rescoreLeads } from '../run/rescore.js';
import { columnReader } from './columns.js';
import { type ParsedLead, parseLeadRow } from './lead-rows.js';
import { readRecords } from './records.js';
import { emptyReport, type ImportOptions, type ImportReport, optionsOf, type PreviewRow, reportMapping } from './report.js';
import { LEAD_FIELDS } from './types.js';

const BATCH = 1000;
const PREVIEW_ROWS = 5;

export function suppressFrom(
  stores: Stores,
  events: readonly { leadId: number; type: EventType; occurredAt: number; source: string }[],
  now: number,
): void {
  for (const e of events) {
    if (SUPPRESSING_EVENTS.has(e.type)) stores.leads.suppress(e.leadId, e.type, e.occurredAt, e.source, now);
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
  stores: Stores,
  path: string,
  now: number,
  opts?: ImportOptions | ((rows: number) => void),
): Promise<ImportReport> {
  const { onProgress, scoring, settings = {} } = optionsOf(opts);
  const report = emptyReport(path);
  report.checked = settings.check ?? false;
  const seen = new Map<string, { line: number; email: string }>();
  const touched = new Set<number>();
  const read = columnReader('leads', LEAD_FIELDS, settings, (m) => reportMapping(report, m));
  let batch: Pending[] = [];
  const flush = () => {
    if (!report.checked) storeLeadBatch(stores, batch, now, report, touched);
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
    if (batch.length >= BATCH) flush();
  }
  if (batch.length > 0) flush();
  // A lead given twice in the file is one lead: its second row merged into the first, not another update.
  report.updated -= report.duplicates;
  report.stored -= report.duplicates;
  if (scoring && !report.checked)
    report.rescored = rescoreLeads(stores, scoring, touched, now, `leads import ${basename(path)}`).rescored;
  return report;
}

/** Upserts one batch, then what the rows say beyond their fields: bounces, customers, quarantined events. */
function storeLeadBatch(stores: Stores, batch: readonly Pending[], now: number, report: ImportReport, touched: Set<number>): void {
  const rows = batch.map((p) => ({ lead: p.parsed.lead as LeadInput, evidence: p.evidence }));
  const r = stores.leads.upsertBatch(rows, now);
  report.inserted += r.inserted;
  report.updated += r.updated;
  report.stored += batch.length;
  const lineOf = new Map(batch.map((p) => [p.evidence, p.line]));
  for (const f of r.refused)
    report.refused.push({
      line: lineOf.get(f.evidence) ?? 0,
      reason: `consent: ${f.email} is ${f.because}: the file's "${f.asked}" was refused, consent stays ${f.kept} (only a new opt-in through the confirmation link re-subscribes)`,
    });
  const ids = stores.leads.idsByEmail(batch.map((b) => b.parsed.lead.email));
  const lifecycle: EventInput[] = [];
  for (const p of batch) {
    const id = ids.get(p.parsed.lead.email);
    if (id === undefined) continue;
    if (p.parsed.bounced) stores.leads.suppress(id, 'bounced', now, p.evidence, now);
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
  if (lifecycle.length > 0) stores.events.insertBatch(lifecycle, now);
  // Events that arrived before their lead: move them in now that the lead exists.
  const resolved = stores.events.quarantine.resolve(ids, now);
  suppressFrom(stores, resolved, now);
  report.resolved += resolved.length;
  for (const id of ids.values()) touched.add(id);
}
