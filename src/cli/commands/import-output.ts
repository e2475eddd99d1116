import type { ImportReport } from '../../io/import.js';
import { PRESETS } from '../../io/presets.js';
import type { GlobalOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { json, table } from '../output.js';

/** The summary of an import: counts, the preset, the columns kept as attributes, zones, consent. */
export function printImport(
  io: CliIo,
  globals: GlobalOptions,
  kind: 'leads' | 'events',
  file: string,
  report: ImportReport,
  defaultZone: string,
): void {
  if (globals.json) io.stdout(json({ ...report, file }));
  else for (const line of summary(kind, file, report, defaultZone)) io.stdout(line);
  for (const r of report.rejected) io.stderr(`${file}:${r.line}: rejected: ${r.reason}`);
  // Kept, with the consent it had: an import never raises an unsubscribed or suppressed address.
  for (const r of report.refused) io.stderr(`${file}:${r.line}: refused: ${r.reason}`);
  // Not rejected (exit status stays 0): the events are kept and the next leads import adds them.
  for (const q of report.quarantined) io.stderr(`${file}:${q.line}: quarantined: ${q.reason}`);
}

function summary(kind: 'leads' | 'events', file: string, report: ImportReport, defaultZone: string): string[] {
  const out: string[] = [];
  const kept =
    kind === 'leads'
      ? `${report.inserted} new, ${report.updated} updated`
      : `${report.inserted} new, ${report.duplicates} already known`;
  const quarantined = kind === 'events' ? `, ${report.quarantined.length} quarantined` : '';
  const stored = report.checked ? `${report.stored} valid (--check: nothing stored)` : `${report.stored} stored (${kept})`;
  out.push(`${file}: ${report.rows} rows read, ${stored}, ${report.rejected.length} rejected${quarantined}`);
  if (report.preset) {
    const label = PRESETS.find((p) => p.id === report.preset!.id)?.label ?? report.preset.id;
    out.push(`${file}: read as ${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label} export (${report.preset.detected ? 'detected from its headers' : 'preset given'})`);
  }
  if (report.attributes.length > 0) {
    const what = kind === 'leads' ? 'attributes' : 'event properties';
    const cols = report.attributes.map((a) => `"${a.header}"${a.didYouMean ? ` (did you mean ${a.didYouMean}?)` : ''}`);
    out.push(`${file}: kept as ${what}: ${cols.join(', ')}`);
  }
  for (const note of report.columnNotes) out.push(`${file}: note: ${note}`);
  if (kind === 'leads') out.push(...leadLines(file, report, defaultZone));
  for (const n of report.notices) out.push(`${file}:${n.line}: note: ${n.reason}`);
  if (report.resolved > 0)
    out.push(`${report.resolved} quarantined event(s) now belong to imported leads and were added`);
  if (report.rescored > 0) out.push(`${report.rescored} lead(s) rescored`);
  return out;
}

function leadLines(file: string, report: ImportReport, defaultZone: string): string[] {
  const out: string[] = [];
  const z = report.zones;
  const guessed = [
    z.country ? `${z.country} from their country` : '',
    z.region ? `${z.region} from their state or region` : '',
    z.city ? `${z.city} from their city` : '',
  ].filter(Boolean);
  if (guessed.length > 0 || z.workspace > 0)
    out.push(
      `${file}: zones: ${z.given} given${guessed.length > 0 ? `, ${guessed.join(', ')}` : ''}, ${z.workspace} on the workspace zone (${defaultZone})`,
    );
  const consent = [
    report.optedOut ? `${report.optedOut} opted out (stored as unsubscribed)` : '',
    report.bounced ? `${report.bounced} bounced (suppressed)` : '',
    report.customers ? `${report.customers} customer(s) (nurture stops)` : '',
  ].filter(Boolean);
  if (consent.length > 0) out.push(`${file}: from the CRM: ${consent.join(', ')}`);
  if (report.checked && report.preview.length > 0) {
    out.push(`${file}: the first ${report.preview.length} lead(s) as they would be stored:`);
    out.push(
      table(
        ['line', 'email', 'name', 'company', 'job title', 'country', 'zone', 'consent', 'attributes'],
        report.preview.map((p) => [
          String(p.line),
          p.email,
          `${p.firstName} ${p.lastName}`.trim(),
          p.company,
          p.jobTitle,
          p.country,
          p.timezone ? `${p.timezone} (${p.zoneSource})` : `workspace (${defaultZone})`,
          p.consent,
          Object.entries(p.attributes)
            .map(([k, v]) => `${k}=${v}`)
            .join('; '),
        ]),
      ),
    );
  }
  return out;
}
