/** Types of `nurture report` (DESIGN.md section 5): rows grouped by sequence, step, force or week. */

export const REPORT_GROUPINGS = ['sequence', 'step', 'force', 'week', 'segment', 'variant'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];
/** What the report groups a message by (a column, a few joined, or the lead's segments). */
export type ReportKey = ReportGrouping;

/** The row of the leads in no named segment. */
export const NO_SEGMENT = '(none)';

/** One group's counts, its keys split (up to three: sequence, step, force or variant). */
export interface GroupedCounts {
  keys: [string | null, string | null, string | null];
  counts: GroupCounts;
}

/** A rate with its Wilson 95% interval and what it was computed over. */
export interface Rate {
  rate: number | null;
  low: number | null;
  high: number | null;
  successes: number;
  denominator: number;
}

/** Counts for one group, as the database sums them (unique leads unless said otherwise). */
export interface GroupCounts {
  /** Messages that went out in the period (accepted by the relay or refused by it). */
  sent: number;
  /** Unique leads they went to. */
  leads: number;
  delivered: number;
  deliveredLeads: number;
  bouncedHard: number;
  bouncedSoft: number;
  opened: number;
  humanOpened: number;
  clicked: number;
  humanClicked: number;
  unsubscribed: number;
  complained: number;
}

export interface GoalSpec {
  id: string;
  event: string;
  withinMs: number;
  urlContains?: string;
  model: 'last-touch' | 'linear';
}

/** One goal event and the touches inside its window (the attribution candidates). */
export interface ConversionCandidate {
  goal: string;
  eventId: number;
  leadId: number;
  at: number;
  touches: { sendId: number; sequence: string; step: string; force: string; sentAt: number; enrolledAt: number; variant?: string | null }[];
}

/** A share of one conversion credited to one touch. */
export interface Credit {
  goal: string;
  eventId: number;
  leadId: number;
  sendId: number;
  sequence: string;
  step: string;
  force: string;
  sentAt: number;
  /** The experiment variant the credited touch carried. */
  variant?: string | null;
  weight: number;
  /** From enrolment in the touch's sequence to the conversion. */
  timeToConversionMs: number;
}

export interface HoldoutCounts {
  sequence: string;
  treated: number;
  treatedConverted: number;
  heldOut: number;
  heldOutConverted: number;
}

export interface Lift {
  treatedRate: Rate;
  holdoutRate: Rate;
  /** Difference in goal rate (treated − holdout) with Newcombe's 95% interval. */
  lift: number | null;
  low: number | null;
  high: number | null;
}

export interface ReportRow {
  sequence?: string;
  step?: string;
  force?: string;
  week?: string;
  variant?: string;
  segment?: string;
  enrolled: number | null;
  sent: number;
  leads: number;
  delivered: number;
  bounced: number;
  bouncedHard: number;
  bouncedSoft: number;
  opened: number;
  humanOpened: number;
  machineOnlyOpened: number;
  clicked: number;
  humanClicked: number;
  unsubscribed: number;
  complained: number;
  sunset: number | null;
  /** Unique leads with a goal conversion credited here. */
  converted: number;
  /** Conversions credited here (fractions under `model: linear`). */
  conversions: number;
  goals: Record<string, number>;
  medianTimeToConversionHours: number | null;
  p90TimeToConversionHours: number | null;
  rates: {
    delivery: Rate;
    bounce: Rate;
    open: Rate;
    humanOpen: Rate;
    click: Rate;
    humanClick: Rate;
    clickToOpen: Rate;
    unsubscribe: Rate;
    complaint: Rate;
    conversion: Rate;
  };
  holdout?: Lift & { treated: number; heldOut: number };
}

export interface Report {
  from: string;
  to: string;
  by: ReportGrouping;
  goals: string[];
  rows: ReportRow[];
  totals: ReportRow;
}
