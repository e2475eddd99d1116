import {
  type EngagementRule,
  engagementMatches,
  type FitRule,
  fitRuleMatches,
  type ScoredEvent,
  type SentMessage,
  unopenedStreak,
} from './scoring-rules.js';
import { type StageThresholds, stageFor } from './stages.js';
import type { LeadProfile, Stage } from './types.js';

export type { EngagementRule, FitRule, ScoredEvent, SentMessage } from './scoring-rules.js';
export { fitRuleMatches } from './scoring-rules.js';
export { type StageThresholds, stageFor } from './stages.js';

export interface ScoringModel {
  fit: readonly FitRule[];
  engagement: readonly EngagementRule[];
  halfLifeMs: number;
  stages: StageThresholds;
}

export interface Contribution {
  rule: string;
  kind: 'fit' | 'engagement';
  /** Points after decay (fit and streaks: same as raw), rounded to 0.01. The totals are their sums. */
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

/** Fit alone: who the lead is. Cheap (no events), so a profile change rescores it at once. */
export function fitContributions(model: ScoringModel, lead: LeadProfile): Contribution[] {
  const out: Contribution[] = [];
  for (const rule of model.fit) {
    if (!fitRuleMatches(rule, lead)) continue;
    out.push({ rule: rule.id, kind: 'fit', points: rule.points, rawPoints: rule.points, occurrences: 1 });
  }
  return out;
}

/**
 * Fit depends on the profile alone, and the forecast scores one lead at many moments: remember
 * it per profile object (and model). Profiles are values read from the database; code that
 * changes one builds a new object, so a cached entry never outlives the profile it describes.
 */
interface CachedFit {
  model: ScoringModel;
  fit: readonly Contribution[];
  /** round2 of the contributions summed in order, exactly as scoreLead adds them. */
  total: number;
}
const fitCache = new WeakMap<LeadProfile, CachedFit>();
function cachedFit(model: ScoringModel, lead: LeadProfile): CachedFit {
  const hit = fitCache.get(lead);
  if (hit && hit.model === model) return hit;
  const fit = fitContributions(model, lead);
  let total = 0;
  for (const c of fit) total += c.points;
  const entry = { model, fit, total: round2(total) };
  fitCache.set(lead, entry);
  return entry;
}

/** The lead fields the fit rules read (`email` for personal-address rules): what a fit pass must load. */
export function fitFields(model: ScoringModel): string[] {
  const fields = new Set<string>();
  for (const rule of model.fit) {
    if (rule.field !== undefined) fields.add(rule.field);
    if (rule.personalEmail !== undefined) fields.add('email');
  }
  return [...fields];
}

/** The fit total alone, without building contributions: the hot path of a full rescoring. */
export function fitScore(model: ScoringModel, lead: LeadProfile): number {
  let fit = 0;
  for (const rule of model.fit) if (fitRuleMatches(rule, lead)) fit += rule.points;
  return round2(fit);
}

function eventContribution(
  model: ScoringModel,
  rule: EngagementRule,
  events: readonly ScoredEvent[],
  now: number,
): Contribution | undefined {
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
  if (occurrences === 0) return undefined;
  return { rule: rule.id, kind: 'engagement', points: round2(decayed), rawPoints: raw, occurrences };
}

/** Every N unanswered sends in a row count once; a streak is the lead's state now, so it does not decay. */
function streakContribution(rule: EngagementRule, streak: number): Contribution | undefined {
  let times = Math.floor(streak / rule.unopenedStreak!);
  if (rule.max !== undefined && rule.points !== 0)
    times = Math.min(times, Math.floor(Math.abs(rule.max) / Math.abs(rule.points)));
  if (times <= 0) return undefined;
  const points = round2(times * rule.points);
  return { rule: rule.id, kind: 'engagement', points, rawPoints: points, occurrences: times };
}

/**
 * Scores a lead as of `now`. Engagement points halve every `halfLifeMs`: a pricing visit worth
 * 10 points 30 days ago with a 30-day half-life counts 5 today. Events and sends after `now` are
 * ignored, so the same inputs always give the same score. The score is the sum of the rounded
 * contributions, so an explanation always adds up to it.
 */
export function scoreLead(
  model: ScoringModel,
  lead: LeadProfile,
  events: readonly ScoredEvent[],
  now: number,
  sends: readonly SentMessage[] = [],
): LeadScore {
  const contributions = [...cachedFit(model, lead).fit];
  let fit = 0;
  for (const c of contributions) fit += c.points;
  let engagement = 0;
  let streak: number | undefined;
  for (const rule of model.engagement) {
    let c: Contribution | undefined;
    if (rule.unopenedStreak !== undefined) {
      streak ??= unopenedStreak(events, sends, now);
      c = streakContribution(rule, streak);
    } else c = eventContribution(model, rule, events, now);
    if (!c) continue;
    engagement += c.points;
    contributions.push(c);
  }
  fit = round2(fit);
  engagement = round2(engagement);
  const score = round2(fit + engagement);
  return { score, fit, engagement, stage: stageFor(model.stages, score, events, now), contributions };
}

export type StageScorer = (now: number, sends: readonly SentMessage[]) => { score: number; stage: Stage };

/**
 * The score and stage of one lead whose events stay as they are, at any moment and with any
 * sends: what `scoreLead` gives (the same sums in the same order, so the same floats), without
 * building contributions. Each rule's matching events and the stage-setting events are found
 * once, since the forecast asks for one lead's stage at many moments.
 */
export function stageScorer(model: ScoringModel, lead: LeadProfile, events: readonly ScoredEvent[]): StageScorer {
  const fit = cachedFit(model, lead).total;
  // Per rule, its matching events newest first (the order eventContribution walks them in).
  const matching = model.engagement.map((rule) =>
    rule.unopenedStreak !== undefined ? [] : events.filter((e) => engagementMatches(rule, e)).reverse(),
  );
  let customerAt = Number.POSITIVE_INFINITY;
  let meetingAt = Number.POSITIVE_INFINITY;
  for (const e of events) {
    if (e.type === 'became_customer') customerAt = Math.min(customerAt, e.at);
    if (e.type === 'meeting_booked') meetingAt = Math.min(meetingAt, e.at);
  }
  const { stages } = model;
  return (now, sends) => {
    let engagement = 0;
    let streak: number | undefined;
    for (let r = 0; r < model.engagement.length; r++) {
      const rule = model.engagement[r]!;
      if (rule.unopenedStreak !== undefined) {
        streak ??= unopenedStreak(events, sends, now);
        const c = streakContribution(rule, streak);
        if (c) engagement += c.points;
        continue;
      }
      let raw = 0;
      let decayed = 0;
      let occurrences = 0;
      for (const event of matching[r]!) {
        if (event.at > now) continue;
        if (rule.max !== undefined && Math.abs(raw + rule.points) > Math.abs(rule.max)) break;
        raw += rule.points;
        decayed += rule.points * 0.5 ** ((now - event.at) / model.halfLifeMs);
        occurrences++;
      }
      if (occurrences > 0) engagement += round2(decayed);
    }
    const score = round2(fit + round2(engagement));
    // stageFor, with the customer and meeting events looked up once.
    let stage: Stage;
    if (customerAt <= now) stage = 'customer';
    else if (meetingAt <= now || score >= stages.action) stage = 'sales-ready';
    else if (score >= stages.desire) stage = 'desire';
    else if (score >= stages.interest) stage = 'interest';
    else if (score >= stages.awareness) stage = 'awareness';
    else stage = 'unqualified';
    return { score, stage };
  };
}
