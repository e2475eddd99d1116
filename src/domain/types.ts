import type { HolidayRules } from '../time/holidays.js';

/** Plain values shared by the pure core. No I/O, no clock. Instants are epoch milliseconds. */

import type { Condition, EventTest } from './conditions/types.js';

export const FORCES = ['push', 'pull', 'habit', 'anxiety'] as const;
export type Force = (typeof FORCES)[number];

export const CONSENT_STATES = ['none', 'pending', 'confirmed', 'unsubscribed'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export const NURTURE_STAGES = ['awareness', 'interest', 'desire', 'action'] as const;
export const STAGES = ['unqualified', ...NURTURE_STAGES, 'sales-ready', 'customer'] as const;
export type Stage = (typeof STAGES)[number];

export const EVENT_TYPES = [
  'email_opened',
  'email_clicked',
  'page_viewed',
  'form_submitted',
  'webinar_attended',
  'content_downloaded',
  'meeting_booked',
  'replied',
  'unsubscribed',
  'bounced',
  /** A temporary delivery failure an ESP reported (mailbox full, greylisting): recorded, never suppresses. */
  'soft_bounced',
  'complained',
  'closed_lost',
  'became_customer',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Events after which no mail may go to the address again. */
export const SUPPRESSING_EVENTS: ReadonlySet<EventType> = new Set(['unsubscribed', 'bounced', 'complained']);

/** A person answered: sales takes the conversation from here, not another nurture sequence. */
export const CONVERSATION_EVENTS: ReadonlySet<EventType> = new Set(['replied', 'meeting_booked', 'became_customer']);

/** What a lead is, as stored: the fields every view of a lead (profile, listing, import preview) shares. */
export interface LeadFields {
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  jobTitle: string;
  industry: string;
  country: string;
  /** Empty when unknown: the workspace default applies. */
  timezone: string;
  attributes: Record<string, string>;
}

export interface LeadProfile extends LeadFields {
  id: number;
  consent: ConsentState;
  /** Set by `nurture leads pause`: no mail until `until` (null: until `leads resume`). */
  pause?: LeadPause;
}

export interface LeadPause {
  since: number;
  until: number | null;
}

/**
 * Why a lead gets no mail, in the order the planner finds it (README "Why nothing happens"):
 * the `idle` decisions carry one, and `run --dry-run` totals them.
 */
export const IDLE_CAUSES = [
  'suppressed',
  'consent',
  'paused',
  'sequence-paused',
  'unqualified',
  'sales-ready',
  'customer',
  'conversation',
  'cool-down',
  'left-nurture',
  'season',
  'holdout',
  'no-sequence',
] as const;
export type IdleCause = (typeof IDLE_CAUSES)[number];

export interface LeadEvent {
  type: EventType;
  at: number;
  url: string;
}

export interface Step {
  id: string;
  force: Force;
  template: string;
  /** An ISO 8601 duration (calendar days) or "N business days" (see waits.ts). */
  wait: string;
  /** Evaluated when the step falls due (conditions/steps.ts): sent only when it holds. */
  when?: Condition;
  /** Evaluated when the step falls due: skipped when it holds. */
  unless?: Condition;
  /** When `when`/`unless` skips the step: the step to go to instead (a later one). */
  else?: string;
  /** After this step is sent, the sequence goes on at this (later) step. */
  goto?: string;
  /** Content by segment: the first entry whose condition holds picks the template; else `template`. */
  content?: { when: Condition; template: string }[];
}

export interface Sequence {
  id: string;
  name: string;
  description: string;
  /** Who may enter: stages, and the rest of the audience (segments, where, did, …) as one condition. */
  audience: { stages: Stage[]; condition?: Condition };
  /** Entered by an event itself (with the audience still applying). */
  enterOn?: EventTest;
  /** With enterOn: the trigger leaves a lower-priority sequence at the next run. */
  interrupt?: boolean;
  /** Ends the enrolment when it holds (evaluated at each run). */
  exitWhen?: Condition;
  priority: number;
  exitOn: EventType[];
  then?: string;
  /** How long the product's sales cycle is (ISO duration): picks the pacing tier. */
  salesCycle?: string;
  /** The id of a season: the sequence only enrols and sends inside it. */
  season?: string;
  /** `paused: true` in the sequence file: enrols no one, and its enrolled leads wait. */
  paused?: boolean;
  /** Share (0–1) of the leads it would take that are kept out as a control group (domain/holdout.ts). */
  holdout?: number;
  steps: Step[];
}

export interface CapRule {
  max: number;
  per: string;
  perMs: number;
}

export interface SendWindowRule {
  /** ISO weekdays, 1 = Monday. */
  days: number[];
  fromMinute: number;
  toMinute: number;
}

export interface Policy {
  defaultZone: string;
  defaultCountry: string;
  consent: 'confirmed' | 'single';
  caps: CapRule[];
  minGapMs: number;
  window: SendWindowRule;
  holidays: boolean;
  /** Public holidays on or off, and the closed days of nurture.yaml `holidays.extra` (default: public only). */
  holidayRules?: HolidayRules;
  /** How often runs happen (cron or worker); the forecast places touches on these ticks. */
  runEveryMs: number;
  /** Ascending by upToMs; the first tier whose bound is ≥ the sequence's cycle applies. */
  salesCycles: SalesCycleTier[];
  seasons: SeasonRule[];
  cadence: CadenceRules;
  /** Share (0–1) of all leads kept out of every sequence as a control group. */
  holdout?: number;
}

/** Pacing for sequences whose sales cycle is at most `upTo`: extra caps, a longer gap, scaled waits. */
export interface SalesCycleTier {
  /** Null: no upper bound (the last tier). */
  upTo: string | null;
  upToMs: number;
  waitScale: number;
  caps: CapRule[];
  minGapMs: number;
}

/** The local days a season covers (expanded once in src/time/recurrence.ts). */
export interface SeasonDays {
  contains(dayNumber: number): boolean;
  nextDay(dayNumber: number, inside: boolean): number | undefined;
}

/** A recurring season: waits are divided by `pace` while it lasts, or no mail at all (`pause`). */
export interface SeasonRule {
  id: string;
  pace: number;
  pause: boolean;
  days: SeasonDays;
}

/** How the pace follows the lead (thresholds in README "Cadence"). */
export interface CadenceRules {
  hot: { stages: Stage[]; withinMs: number; urlContains: string[]; waitScale: number };
  unopened: { slowAfter: number; waitScale: number; sunsetAfter: number };
  /** Where sunset and closed-lost leads go after the cool-down; null: they leave nurture. */
  recycle: { sequence: string | null; coolDownMs: number };
}
