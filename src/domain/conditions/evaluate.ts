import { engagementMatches, type EngagementRule, type ScoredEvent } from '../scoring-rules.js';
import type { ConditionInput } from './input.js';
import type { Condition, EventTest, FieldTest, ScoreTest } from './types.js';

/**
 * Evaluates a compiled condition for one lead at `input.now`. Pure: the run, the forecast and
 * `explain` all call it, so they agree on who is in an audience and which step is skipped.
 */
export function holds(condition: Condition, input: ConditionInput): boolean {
  switch (condition.kind) {
    case 'field':
      return fieldHolds(condition, input);
    case 'did':
      return eventHolds(condition, input);
    case 'score':
      return scoreHolds(condition, input);
    case 'stage':
      return condition.stages.has(input.stage());
    case 'all':
      return condition.of.every((c) => holds(c, input));
    case 'any':
      return condition.of.some((c) => holds(c, input));
    case 'not':
      return !holds(condition.of, input);
    case 'segment':
      return holds(condition.of, input);
  }
}

/**
 * Why a condition holds, naming the parts that decided it (the branch of an `any` that matched,
 * a segment by its name), or undefined when it does not hold. Example:
 * `segment emea-saas; did webinar_attended within P14D`.
 */
export function whyHolds(condition: Condition, input: ConditionInput): string | undefined {
  switch (condition.kind) {
    case 'all': {
      const parts: string[] = [];
      for (const c of condition.of) {
        const why = whyHolds(c, input);
        if (why === undefined) return undefined;
        parts.push(why);
      }
      return parts.join('; ');
    }
    case 'any':
      for (const c of condition.of) {
        const why = whyHolds(c, input);
        if (why !== undefined) return why;
      }
      return undefined;
    case 'segment':
      return holds(condition.of, input) ? `segment ${condition.name}` : undefined;
    default:
      return holds(condition, input) ? condition.label : undefined;
  }
}

/** The first part of a condition that fails (for "when … does not hold"), or undefined. */
export function whyFails(condition: Condition, input: ConditionInput): string | undefined {
  if (condition.kind === 'all') {
    for (const c of condition.of) {
      const why = whyFails(c, input);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  if (condition.kind === 'segment') return holds(condition.of, input) ? undefined : `segment ${condition.name}`;
  return holds(condition, input) ? undefined : condition.label;
}

function fieldValue(input: ConditionInput, field: string): string {
  const profile = input.profile;
  if (field.startsWith('attributes.')) return (profile.attributes[field.slice(11)] ?? '').trim();
  const value = (profile as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Pattern results per test and value: titles and industries repeat across a base ("Marketing
 * Manager" thousands of times), so most evaluations look the answer up. Bounded per test.
 */
const patternCache = new WeakMap<FieldTest, Map<string, boolean>>();
const PATTERN_CACHE_LIMIT = 20_000;

function patternHolds(test: FieldTest, pattern: RegExp, value: string): boolean {
  let cache = patternCache.get(test);
  if (!cache) patternCache.set(test, (cache = new Map()));
  let hit = cache.get(value);
  if (hit === undefined) {
    hit = pattern.test(value);
    if (cache.size < PATTERN_CACHE_LIMIT) cache.set(value, hit);
  }
  return hit;
}

/** Every test given must hold; an empty value holds only `exists: false`. */
function fieldHolds(test: FieldTest, input: ConditionInput): boolean {
  const value = fieldValue(input, test.field);
  if (test.exists !== undefined) {
    if ((value !== '') !== test.exists) return false;
  }
  if (value === '') return test.exists === false;
  if (test.pattern && !patternHolds(test, test.pattern, value)) return false;
  if (test.in && !test.in.has(value.toLowerCase())) return false;
  if (test.gte !== undefined || test.lte !== undefined) {
    const n = Number(value);
    if (!Number.isFinite(n)) return false;
    if (test.gte !== undefined && n < test.gte) return false;
    if (test.lte !== undefined && n > test.lte) return false;
  }
  if (test.before !== undefined || test.after !== undefined) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return false;
    if (test.before !== undefined && at >= test.before) return false;
    if (test.after !== undefined && at <= test.after) return false;
  }
  return true;
}

/** Engagement-rule filters, as the scorer applies them, per event test (built once). */
const filters = new WeakMap<EventTest, EngagementRule>();
function filterOf(test: EventTest): EngagementRule {
  const known = filters.get(test);
  if (known) return known;
  const events = (test.events ?? ANY) as EngagementRule['events'];
  const rule: EngagementRule = { id: test.label, points: 0, events, urlContains: test.urlContains, properties: test.properties };
  filters.set(test, rule);
  return rule;
}
const ANY: Pick<ReadonlySet<string>, 'has'> = { has: () => true };

/** One event against an event test's filters (type, URL, properties), whatever its time. */
export function eventMatches(test: EventTest, event: ScoredEvent): boolean {
  return engagementMatches(filterOf(test), event);
}

/** The instant from which events count (exclusive of earlier ones), or -Infinity. */
export function windowStart(test: EventTest, input: Pick<ConditionInput, 'now' | 'enrolledAt' | 'previousAt'>): number {
  let from = -Infinity;
  if (test.withinMs !== undefined) from = input.now - test.withinMs;
  const since = test.since;
  if (since === 'enrolled') from = Math.max(from, input.enrolledAt ?? Infinity);
  else if (since === 'previous') from = Math.max(from, input.previousAt ?? input.enrolledAt ?? Infinity);
  else if (since !== undefined) from = Math.max(from, since);
  return from;
}

/** Scans the lead's events newest first, stopping at the window's start. */
function eventHolds(test: EventTest, input: ConditionInput): boolean {
  const from = windowStart(test, input);
  const rule = filterOf(test);
  const events: readonly ScoredEvent[] = input.events;
  let found = false;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.at > input.now) continue;
    if (e.at < from) break;
    if (engagementMatches(rule, e)) {
      found = true;
      break;
    }
  }
  return found !== test.negate;
}

function scoreHolds(test: ScoreTest, input: ConditionInput): boolean {
  const value = input.score()[test.measure];
  if (test.gte !== undefined && value < test.gte) return false;
  if (test.lte !== undefined && value > test.lte) return false;
  return true;
}
