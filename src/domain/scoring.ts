import { isPersonalEmail } from './personal-email.js';
import type { EventType, LeadEvent, LeadProfile, Stage } from './types.js';

/** A fit rule: who the lead is. Fit points never decay. */
export interface FitRule {
  id: string;
  points: number;
  /** A lead field (jobTitle, industry, country, company, email) or `attributes.<name>`. */
  field?: string;
  pattern?: RegExp;
  in?: ReadonlySet<string>;
  personalEmail?: boolean;
}

/** An engagement rule: what the lead did. Points per matching event, decayed by age. */
export interface EngagementRule {
  id: string;
  points: number;
  events: ReadonlySet<EventType>;
  urlContains?: readonly string[];
  /** Cap on the rule's total raw points (before decay), e.g. at most 3 pricing visits count. */
  max?: number;
}

export interface StageThresholds {
  awareness: number;
  interest: number;
  desire: number;
  action: number;
}

export interface ScoringModel {
  fit: readonly FitRule[];
  engagement: readonly EngagementRule[];
  halfLifeMs: number;
  stages: StageThresholds;
}

export interface Contribution {
  rule: string;
  kind: 'fit' | 'engagement';
  /** Points after decay (fit: same as raw), rounded to 0.01. */
  points: number;
  rawPoints: number;
  occurrences: number;
}

export interface LeadScore {
  score: number;
  fit: number;
  engagement: number;
  stage: Stage;
  contributions: Contribution[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function fieldValue(lead: LeadProfile, field: string): string {
  if (field.startsWith('attributes.')) return lead.attributes[field.slice('attributes.'.length)] ?? '';
  const value = (lead as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : '';
}

export function fitRuleMatches(rule: FitRule, lead: LeadProfile): boolean {
  if (rule.personalEmail !== undefined && isPersonalEmail(lead.email) !== rule.personalEmail) return false;
  if (rule.field === undefined) return rule.personalEmail !== undefined;
  const value = fieldValue(lead, rule.field).trim();
  if (rule.pattern && !rule.pattern.test(value)) return false;
  if (rule.in && !rule.in.has(value.toLowerCase())) return false;
  return value !== '' || (!rule.pattern && !rule.in);
}

function engagementMatches(rule: EngagementRule, event: LeadEvent): boolean {
  if (!rule.events.has(event.type)) return false;
  if (!rule.urlContains) return true;
  const url = event.url.toLowerCase();
  return rule.urlContains.some((fragment) => url.includes(fragment));
}

/**
 * Scores a lead as of `now`. Engagement points halve every `halfLifeMs`: a pricing visit worth
 * 10 points 30 days ago with a 30-day half-life counts 5 today. Events after `now` are ignored,
 * so the same inputs always give the same score.
 */
export function scoreLead(
  model: ScoringModel,
  lead: LeadProfile,
  events: readonly LeadEvent[],
  now: number,
): LeadScore {
  const contributions: Contribution[] = [];
  let fit = 0;
  for (const rule of model.fit) {
    if (!fitRuleMatches(rule, lead)) continue;
    fit += rule.points;
    contributions.push({
      rule: rule.id,
      kind: 'fit',
      points: rule.points,
      rawPoints: rule.points,
      occurrences: 1,
    });
  }
  let engagement = 0;
  for (const rule of model.engagement) {
    let raw = 0;
    let decayed = 0;
    let occurrences = 0;
    // Newest first, so a per-rule cap keeps the freshest (least decayed) occurrences.
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!;
      if (event.at > now || !engagementMatches(rule, event)) continue;
      if (rule.max !== undefined && Math.abs(raw + rule.points) > Math.abs(rule.max)) break;
      raw += rule.points;
      decayed += rule.points * 0.5 ** ((now - event.at) / model.halfLifeMs);
      occurrences++;
    }
    if (occurrences === 0) continue;
    engagement += decayed;
    contributions.push({
      rule: rule.id,
      kind: 'engagement',
      points: round2(decayed),
      rawPoints: raw,
      occurrences,
    });
  }
  const score = round2(fit + engagement);
  return {
    score,
    fit: round2(fit),
    engagement: round2(score - round2(fit)),
    stage: stageFor(model.stages, score, events, now),
    contributions,
  };
}

/** Stage from thresholds; a booked meeting or a purchase takes the lead out of nurture for good. */
export function stageFor(
  thresholds: StageThresholds,
  score: number,
  events: readonly LeadEvent[],
  now: number,
): Stage {
  let meeting = false;
  for (const e of events) {
    if (e.at > now) continue;
    if (e.type === 'became_customer') return 'customer';
    if (e.type === 'meeting_booked') meeting = true;
  }
  if (meeting || score >= thresholds.action) return 'sales-ready';
  if (score >= thresholds.desire) return 'desire';
  if (score >= thresholds.interest) return 'interest';
  if (score >= thresholds.awareness) return 'awareness';
  return 'unqualified';
}
