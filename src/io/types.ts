/** Types shared by the import modules (column mapping, presets, row parsing, the report). */

/** What a lead column can mean. `unsubscribed`/`bounced` are opt-out flags; `marketing_status` a CRM's subscription status. */
export const LEAD_FIELDS = [
  'email',
  'first_name',
  'last_name',
  'full_name',
  'company',
  'job_title',
  'industry',
  'country',
  'state',
  'city',
  'timezone',
  'consent',
  'consent_at',
  'consent_source',
  'unsubscribed',
  'bounced',
  'marketing_status',
  'lifecycle_stage',
] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

export const EVENT_FIELDS = ['email', 'type', 'occurred_at', 'id', 'url'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

export const PRESET_IDS = ['hubspot', 'salesforce', 'mautic', 'pipedrive', 'marketo', 'activecampaign'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** How the headers of one file were read. */
export interface ColumnMapping<F extends string> {
  /** The preset used (forced with --preset or detected from the headers), or null when none fitted. */
  preset: PresetId | null;
  /** Whether the preset was detected rather than forced. */
  detected: boolean;
  /** header → field, for the headers that mean one of our fields. */
  fields: Map<string, F>;
  /** Headers kept as attributes (event properties), each with a close field name when there is one. */
  kept: { header: string; key: string; didYouMean?: string }[];
  /** Further headers for a field already read: used where the first is blank, else kept as attributes. */
  clashes: { header: string; field: F; usedHeader: string }[];
}

/** Where a lead's zone came from. */
export const ZONE_SOURCES = ['given', 'country', 'region', 'city', 'workspace'] as const;
export type ZoneSource = (typeof ZONE_SOURCES)[number];

/** Choices that shape one import (CLI flags and nurture.yaml's `import:` block). */
export interface ImportSettings {
  preset?: PresetId;
  /** Header → field, from --map and `import.map` (--map wins). */
  map?: Record<string, string>;
  /** The workspace zone: for leads without a zone of their own and for event times without an offset. */
  defaultZone?: string;
  /** Luxon format for event times such as 03/14/2026 09:30 (only read with --date-format). */
  dateFormat?: string;
  /** Parse and report, store nothing; `preview` rows are returned in the report. */
  check?: boolean;
}
