/** What the report page links each number to: the leads behind one count of one row. */
export const LEAD_METRICS = [
  'sent', 'delivered', 'bounced', 'opened', 'humanOpened', 'clicked', 'humanClicked', 'unsubscribed', 'complained', 'converted',
] as const;
export type LeadMetric = (typeof LEAD_METRICS)[number];

/** A report row's keys; a missing key is not filtered on (the totals row has none). */
export interface RowFilter {
  sequence?: string | undefined;
  step?: string | undefined;
  force?: string | undefined;
  week?: string | undefined;
}

export interface LeadsBehind {
  /** Messages of the cohort that count for the metric (for `converted`: credited conversions). */
  messages: number;
  /** Lead ids, in id order. */
  leadIds: number[];
}
