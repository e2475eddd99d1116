import type { LeadFields } from '../domain/types.js';
import type { ScoringModel } from '../domain/scoring.js';
import type { ColumnMapping, ImportSettings, PresetId, ZoneSource } from './types.js';

export interface RejectedRow {
  line: number;
  reason: string;
}

/** A lead as the import would store it (what --check shows). */
export interface PreviewRow extends LeadFields {
  line: number;
  zoneSource: ZoneSource;
  consent: string;
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
  /** The CRM preset the headers were read with, and whether it was detected. */
  preset: { id: PresetId; detected: boolean } | null;
  /** header → field for the headers that mean one of our fields. */
  columns: Record<string, string>;
  /** Columns kept as attributes (properties for events), once per import. */
  attributes: { header: string; key: string; didYouMean?: string }[];
  /** Headers that mean a field another header already gives (see ColumnMapping.clashes). */
  columnNotes: string[];
  /** Leads by where their zone came from (leads imports). */
  zones: Record<ZoneSource, number>;
  /** Rows that asked to raise the consent of an unsubscribed or suppressed address: kept as it was. */
  refused: RejectedRow[];
  /** Leads the file marked as opted out, bounced, or customers. */
  optedOut: number;
  bounced: number;
  customers: number;
  /** --check: nothing was stored; the first rows as they would be. */
  checked: boolean;
  preview: PreviewRow[];
}

export interface ImportOptions {
  onProgress?: (rows: number) => void;
  /** When given, the leads the import touched are rescored (incremental rescoring). */
  scoring?: ScoringModel;
  settings?: ImportSettings;
}

export const emptyReport = (file: string): ImportReport => ({
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
  preset: null,
  columns: {},
  attributes: [],
  columnNotes: [],
  zones: { given: 0, country: 0, region: 0, city: 0, workspace: 0 },
  refused: [],
  optedOut: 0,
  bounced: 0,
  customers: 0,
  checked: false,
  preview: [],
});

export const optionsOf = (o: ImportOptions | ((rows: number) => void) | undefined): ImportOptions =>
  typeof o === 'function' ? { onProgress: o } : (o ?? {});

/** Copies what the mapping decided into the report. */
export function reportMapping(report: ImportReport, mapping: ColumnMapping<string>): void {
  report.preset = mapping.preset ? { id: mapping.preset, detected: mapping.detected } : null;
  report.columns = Object.fromEntries(mapping.fields);
  report.attributes = mapping.kept;
  report.columnNotes = mapping.clashes.map(
    (c) =>
      `column "${c.header}" also means ${c.field}, read from "${c.usedHeader}": used where "${c.usedHeader}" is blank, else kept as an attribute`,
  );
}
