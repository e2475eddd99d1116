import type { z } from 'zod';
import { FIT_FIELDS } from '../domain/scoring-rules.js';
import { EVENT_TYPES } from '../domain/types.js';

/** The parts of the parsed `scoring` section the cross-field checks look at. */
interface ScoringShape {
  fit: { id: string; points: number; field?: string; pattern?: string; in?: string[]; personalEmail?: boolean }[];
  engagement: {
    id: string;
    points: number;
    event?: string | string[];
    urlContains?: string | string[];
    properties?: Record<string, unknown>;
    max?: number;
    unopenedStreak?: number;
  }[];
}

type Issue = (path: (string | number)[], message: string) => void;

const issuer =
  (ctx: z.RefinementCtx): Issue =>
  (path, message) =>
    ctx.addIssue({ code: 'custom', path, message });

/** Checks zod's shapes cannot express, each message naming the rule: `rule "senior-title": …`. */
export function checkScoring(scoring: ScoringShape, ctx: z.RefinementCtx): void {
  const issue = issuer(ctx);
  const seen = new Map<string, string>();
  const unique = (kind: 'fit' | 'engagement', i: number, id: string) => {
    const earlier = seen.get(id);
    if (earlier) issue([kind, i, 'id'], `duplicate rule id "${id}" (also ${earlier})`);
    else seen.set(id, `scoring.${kind}[${i}]`);
  };
  scoring.fit.forEach((rule, i) => {
    unique('fit', i, rule.id);
    checkFitRule(rule, (path, message) => issue(['fit', i, ...path], `rule "${rule.id}": ${message}`));
  });
  scoring.engagement.forEach((rule, i) => {
    unique('engagement', i, rule.id);
    checkEngagementRule(rule, (path, message) =>
      issue(['engagement', i, ...path], `rule "${rule.id}": ${message}`),
    );
  });
}

function checkFitRule(rule: ScoringShape['fit'][number], issue: Issue): void {
  if (rule.pattern !== undefined) {
    try {
      new RegExp(rule.pattern, 'i');
    } catch (error) {
      issue(['pattern'], `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
  if (rule.field === undefined) {
    if (rule.pattern !== undefined || rule.in !== undefined) issue(['field'], 'pattern and in need a field to match');
    else if (rule.personalEmail === undefined)
      issue([], 'needs a field (with pattern or in) or personalEmail');
  } else if (!rule.field.startsWith('attributes.') && !(FIT_FIELDS as readonly string[]).includes(rule.field)) {
    issue(['field'], `unknown field "${rule.field}" (allowed: ${FIT_FIELDS.join(', ')}, attributes.<column>)`);
  } else if (rule.field === 'attributes.') {
    issue(['field'], 'attributes. needs a column name, e.g. attributes.company_size');
  }
}

function checkEngagementRule(rule: ScoringShape['engagement'][number], issue: Issue): void {
  if (rule.unopenedStreak !== undefined) {
    for (const key of ['event', 'urlContains', 'properties'] as const)
      if (rule[key] !== undefined)
        issue([key], 'an unopenedStreak rule counts sent emails without an open or click; it takes no ' + key);
  } else if (rule.event === undefined) {
    issue([], 'needs an event (e.g. event: page_viewed) or unopenedStreak (e.g. unopenedStreak: 3)');
  } else {
    const list = [rule.event].flat();
    list.forEach((type, j) => {
      if (!(EVENT_TYPES as readonly string[]).includes(type))
        issue(Array.isArray(rule.event) ? ['event', j] : ['event'], `"${type}" is not an event type (one of ${EVENT_TYPES.join(', ')})`);
    });
  }
  if (rule.max !== undefined) {
    if (rule.max !== 0 && rule.points !== 0 && Math.sign(rule.max) !== Math.sign(rule.points))
      issue(['max'], `max ${rule.max} and points ${rule.points} must have the same sign`);
    else if (Math.abs(rule.max) < Math.abs(rule.points))
      issue(['max'], `max ${rule.max} is less than one occurrence (points ${rule.points}): the rule could never count`);
  }
}

/** Stage thresholds must rise: awareness < interest < desire < action. */
export function checkStages(
  stages: { awareness: number; interest: number; desire: number; action: number },
  ctx: z.RefinementCtx,
): void {
  const order = ['awareness', 'interest', 'desire', 'action'] as const;
  for (let i = 1; i < order.length; i++) {
    const [below, key] = [order[i - 1]!, order[i]!];
    if (stages[key] <= stages[below])
      issuer(ctx)([key], `${stages[key]} must be above ${below} (${stages[below]})`);
  }
}
