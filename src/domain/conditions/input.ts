import type { ScoredEvent } from '../scoring-rules.js';
import type { LeadProfile, Stage } from '../types.js';

/** The three parts of a lead's score at the moment a condition is evaluated. */
export interface ScoreParts {
  score: number;
  fit: number;
  engagement: number;
}

/** What a condition is evaluated over: one lead at one moment. */
export interface ConditionInput {
  profile: LeadProfile;
  /** Ascending by time; events after `now` are not seen. */
  events: readonly ScoredEvent[];
  now: number;
  stage: () => Stage;
  score: () => ScoreParts;
  /** For `since: enrolled` / `since: previous` (steps and exitWhen only). */
  enrolledAt?: number;
  previousAt?: number;
}
