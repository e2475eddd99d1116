import type { EngagementRule, FitRule, ScoringModel } from '../domain/scoring.js';
import type { EventType, Policy, Sequence } from '../domain/types.js';
import { parseDuration } from '../time/duration.js';
import { cadencePolicy } from './cadence-policy.js';
import { sendTimeSettings } from './send-time-schema.js';
import type { SegmentFiles } from './conditions/compile.js';
import { compileSequences } from './conditions/sequences.js';
import { type ConfigFile, type SequenceFile, WEEKDAY_NAMES } from './schema.js';

const ms = (iso: string) => parseDuration(iso)!.approxMs;
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Normalises the validated nurture.yaml into the policy the planner works with. */
export function policyFrom(config: ConfigFile): Policy {
  return {
    defaultZone: config.timezone,
    defaultCountry: config.country,
    consent: config.consent,
    caps: config.caps.map((c) => ({ max: c.max, per: c.per, perMs: ms(c.per) })),
    minGapMs: ms(config.minGap),
    window: {
      days: config.sendWindow.days.map((d) => WEEKDAY_NAMES.indexOf(d) + 1).sort(),
      fromMinute: minuteOf(config.sendWindow.from),
      toMinute: minuteOf(config.sendWindow.to),
    },
    holidays: config.holidays.public || config.holidays.extra.length > 0,
    holidayRules: config.holidays,
    runEveryMs: ms(config.schedule.every),
    ...cadencePolicy(config),
    ...(config.holdout ? { holdout: config.holdout } : {}),
    ...(config.sendTime?.optimize ? { sendTime: sendTimeSettings(config.sendTime, config.segments) } : {}),
  };
}

export function scoringFrom(config: ConfigFile): ScoringModel {
  const lower = (values: readonly string[]) => new Set(values.map((v) => v.trim().toLowerCase()));
  const fit: FitRule[] = config.scoring.fit.map((r) => ({
    id: r.id,
    points: r.points,
    field: r.field,
    pattern: r.pattern === undefined ? undefined : new RegExp(r.pattern, 'i'),
    in: r.in === undefined ? undefined : lower(r.in),
    personalEmail: r.personalEmail,
  }));
  const engagement: EngagementRule[] = config.scoring.engagement.map((r) => ({
    id: r.id,
    points: r.points,
    events: new Set(r.event === undefined ? [] : ([r.event].flat() as EventType[])),
    urlContains: r.urlContains === undefined ? undefined : [r.urlContains].flat().map((u) => u.toLowerCase()),
    properties:
      r.properties === undefined
        ? undefined
        : new Map(Object.entries(r.properties).map(([k, v]) => [k, lower([v].flat())])),
    max: r.max,
    unopenedStreak: r.unopenedStreak,
  }));
  return { fit, engagement, halfLifeMs: ms(config.scoring.halfLife), stages: config.stages };
}

/**
 * Compiled (conditions/sequences.ts), highest priority first; ties broken by id so the order
 * never depends on the file system.
 */
export function orderSequences(files: SequenceFile[], segments: SegmentFiles = {}): Sequence[] {
  return compileSequences(files, segments).sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
}
