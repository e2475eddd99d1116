import { isPersonalEmail } from './personal-email.js';
import type { EventType, LeadEvent, LeadProfile } from './types.js';

/** A fit rule: who the lead is. Fit points never decay. */
export interface FitRule {
  id: string;
  points: number;
  /** A lead field (jobTitle, industry, country, company, email, …) or `attributes.<name>`. */
  field?: string;
  pattern?: RegExp;
  /** Lower-cased values; the field matches when it equals one of them (case-insensitive). */
  in?: ReadonlySet<string>;
  personalEmail?: boolean;
}

/** An engagement rule: what the lead did. Points per matching event, decayed by age. */
export interface EngagementRule {
  id: string;
  points: number;
  /** Event types the rule counts; empty for an unopened-streak rule. */
  events: ReadonlySet<EventType>;
  /** Lower-cased fragments; the event's URL must contain one of them. */
  urlContains?: readonly string[];
  /** Property filters: each named property must equal one of the (lower-cased) values. */
  properties?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Cap on the rule's total raw points (before decay), e.g. at most 3 pricing visits count. */
  max?: number;
  /** Points for every N consecutive sent emails without an open or a click since. */
  unopenedStreak?: number;
}

/** An event as the scorer sees it: the planner's event plus its properties when it has any. */
export interface ScoredEvent extends LeadEvent {
  properties?: Readonly<Record<string, string>>;
}

/** A message the lead was sent (an outbox row); only `sent` ones count towards a streak. */
export interface SentMessage {
  status: string;
  at: number;
}

/** Lead fields a fit rule may name, besides `attributes.<column>`. */
export const FIT_FIELDS = ['email', 'firstName', 'lastName', 'company', 'jobTitle', 'industry', 'country'] as const;

function fieldValue(lead: LeadProfile, field: string): string {
  if (field.startsWith('attributes.')) return lead.attributes[field.slice('attributes.'.length)] ?? '';
  const value = (lead as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : '';
}

/**
 * Pattern results per rule and value. Titles and industries repeat across a lead base ("Marketing
 * Manager" thousands of times), so a full pass mostly looks answers up instead of running regexes.
 * A cache of a pure function: the same inputs still give the same result. Bounded per rule.
 */
const patternCache = new WeakMap<FitRule, Map<string, boolean>>();
const PATTERN_CACHE_LIMIT = 20_000;

function patternMatches(rule: FitRule, pattern: RegExp, value: string): boolean {
  let cache = patternCache.get(rule);
  if (!cache) patternCache.set(rule, (cache = new Map()));
  let hit = cache.get(value);
  if (hit === undefined) {
    hit = pattern.test(value);
    if (cache.size < PATTERN_CACHE_LIMIT) cache.set(value, hit);
  }
  return hit;
}

export function fitRuleMatches(rule: FitRule, lead: LeadProfile): boolean {
  if (rule.personalEmail !== undefined && isPersonalEmail(lead.email) !== rule.personalEmail) return false;
  if (rule.field === undefined) return rule.personalEmail !== undefined;
  const value = fieldValue(lead, rule.field).trim();
  if (rule.pattern && !patternMatches(rule, rule.pattern, value)) return false;
  if (rule.in && !rule.in.has(value.toLowerCase())) return false;
  return value !== '' || (!rule.pattern && !rule.in);
}

export function engagementMatches(rule: EngagementRule, event: ScoredEvent): boolean {
  if (!rule.events.has(event.type)) return false;
  if (rule.urlContains) {
    const url = event.url.toLowerCase();
    if (!rule.urlContains.some((fragment) => url.includes(fragment))) return false;
  }
  if (rule.properties) {
    for (const [key, allowed] of rule.properties) {
      const value = key === 'url' ? event.url : event.properties?.[key];
      if (value === undefined || !allowed.has(value.trim().toLowerCase())) return false;
    }
  }
  return true;
}

/**
 * Sent emails since the last open or click, as of `now`: three sends on 1, 8 and 15 November
 * and an open on 9 November give a streak of 1 (only the send on the 15th is unanswered).
 */
export function unopenedStreak(
  events: readonly ScoredEvent[],
  sends: readonly SentMessage[],
  now: number,
): number {
  let lastEngaged = -Infinity;
  for (const e of events) {
    if (e.at <= now && e.at > lastEngaged && (e.type === 'email_opened' || e.type === 'email_clicked'))
      lastEngaged = e.at;
  }
  let streak = 0;
  for (const s of sends) if (s.status === 'sent' && s.at > lastEngaged && s.at <= now) streak++;
  return streak;
}
