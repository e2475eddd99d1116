import type { ConditionInput } from '../../src/domain/conditions/input.js';
import type { ScoredEvent } from '../../src/domain/scoring-rules.js';
import type { LeadProfile, Stage } from '../../src/domain/types.js';
import { ConditionCompiler, type SegmentFiles } from '../../src/workspace/conditions/compile.js';
import { conditionSchema, type ConditionFile } from '../../src/workspace/conditions/schema.js';

export const T0 = Date.parse('2026-11-23T12:00:00Z');
export const DAY = 86_400_000;

export function profile(over: Partial<LeadProfile> = {}): LeadProfile {
  return {
    id: 1,
    email: 'greta@nordwerk.example',
    firstName: 'Greta',
    lastName: 'Lind',
    company: 'Nordwerk',
    jobTitle: 'Head of Marketing',
    industry: 'SaaS',
    country: 'DE',
    timezone: 'Europe/Berlin',
    consent: 'confirmed',
    attributes: {},
    ...over,
  };
}

/** A condition as YAML gives it, validated by the real schema and compiled. */
export function compile(file: unknown, segments: SegmentFiles = {}) {
  const parsed = conditionSchema.parse(file) as ConditionFile;
  return new ConditionCompiler(segments).condition(parsed);
}

export function input(over: {
  profile?: Partial<LeadProfile>;
  events?: ScoredEvent[];
  now?: number;
  stage?: Stage;
  score?: { score: number; fit: number; engagement: number };
  enrolledAt?: number;
  previousAt?: number;
} = {}): ConditionInput {
  return {
    profile: profile(over.profile),
    events: over.events ?? [],
    now: over.now ?? T0,
    stage: () => over.stage ?? 'interest',
    score: () => over.score ?? { score: 30, fit: 20, engagement: 10 },
    enrolledAt: over.enrolledAt,
    previousAt: over.previousAt,
  };
}
