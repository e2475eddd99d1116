/** Types of send-time optimisation (README "Send-time optimisation"). */
import type { Condition } from '../conditions/types.js';

/** Hours in a week: bin = (ISO weekday − 1) × 24 + local hour, so Monday 00:00–01:00 is bin 0. */
export const HOURS_OF_WEEK = 168;

/** `sendTime:` in nurture.yaml, normalised. */
export interface SendTimeSettings {
  optimize: boolean;
  /** How far past the first open moment a touch may move: whole business days, or a fixed time. */
  maxDelay: { businessDays: number } | { ms: number };
  /** As written (P1D), for the messages. */
  maxDelayText: string;
  /** Share (0–1) of optimised sends placed at a seeded exploratory slot instead of the best one. */
  explore: number;
  /** Share (0–1) of leads, stable, that keep the first open moment: the control group of the report. */
  holdout: number;
  /**
   * The named segments (nurture.yaml `segments:`) that pool leads' hours: those defined by the
   * lead's fields alone (send-time/segments.ts says why). Absent or empty: no segment level.
   */
  segments?: readonly SendTimeSegment[];
}

/** A named segment as send-time uses it: its compiled condition, which reads only the lead's fields. */
export interface SendTimeSegment {
  name: string;
  condition: Condition;
}

/**
 * The opens and clicks of the engaged leads who are in exactly this set of segments (names in
 * nurture.yaml's order), and how many leads those are: a lead in several segments pools the union
 * of their groups without counting anyone twice.
 */
export interface SegmentGroupCounts {
  segments: readonly string[];
  leads: number;
  counts: HourCounts;
}

/** Human opens and clicks by local hour of the week, and their total. */
export interface HourCounts {
  bins: number[];
  total: number;
}

/** The counts above the lead, read once per run (src/db/send-time-counts.ts). */
export interface SendTimeCounts {
  workspace: HourCounts;
  /** By company domain (personal addresses such as gmail.com are pooled in no domain). */
  domains: ReadonlyMap<string, HourCounts>;
  /** By segment membership (absent: no send-time segments). */
  segmentGroups?: readonly SegmentGroupCounts[];
}

/** Where a propensity came from, for the evidence text. */
export type EvidenceLevel = 'lead' | 'domain' | 'segment' | 'workspace';

/** A lead's propensity per hour of the week (shares summing to 1), and the level its evidence names. */
export interface Propensity {
  theta: ArrayLike<number>;
  counts: HourCounts;
  level: EvidenceLevel;
  domain: string | undefined;
  /** The lead's segment pool, when it has one with counts ("emea-saas + dach"). */
  segment: SegmentPool | undefined;
}

/** The pooled counts of the segments a lead is in. */
export interface SegmentPool {
  /** The names joined for the evidence: "emea-saas" or "emea-saas + dach". */
  label: string;
  counts: HourCounts;
  /** Its shares, shrunk toward the workspace's. */
  share: Float64Array;
}
