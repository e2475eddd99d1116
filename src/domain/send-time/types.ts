/** Types of send-time optimisation (README "Send-time optimisation"). */

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
}

/** Where a propensity came from, for the evidence text. */
export type EvidenceLevel = 'lead' | 'domain' | 'workspace';

/** A lead's propensity per hour of the week (shares summing to 1), and the level its evidence names. */
export interface Propensity {
  theta: ArrayLike<number>;
  counts: HourCounts;
  level: EvidenceLevel;
  domain?: string;
}
