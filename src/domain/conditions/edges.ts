import type { LeadEvent, Sequence } from '../types.js';
import type { Condition } from './types.js';

/**
 * The event windows (`within`) the sequences' conditions use, collected once per set of
 * sequences. The forecast needs them: with no new event, a condition changes only when an event
 * leaves a window — e.g. `didNot: [{ event: page_viewed, urlContains: /pricing, within: P30D }]`
 * starts to hold 30 days after the last pricing visit, and the hourly runs enrol the lead then.
 */
const windowsOf = new WeakMap<readonly Sequence[], number[]>();

export function conditionWindows(sequences: readonly Sequence[]): number[] {
  let known = windowsOf.get(sequences);
  if (known) return known;
  const found = new Set<number>();
  const visit = (c: Condition | undefined): void => {
    if (!c) return;
    if (c.kind === 'did') {
      if (c.withinMs !== undefined) found.add(c.withinMs);
    } else if (c.kind === 'all' || c.kind === 'any') c.of.forEach(visit);
    else if (c.kind === 'not' || c.kind === 'segment') visit(c.of);
  };
  for (const s of sequences) {
    visit(s.audience.condition);
    visit(s.exitWhen);
    visit(s.enterOn);
    for (const step of s.steps) {
      visit(step.when);
      visit(step.unless);
    }
  }
  known = [...found];
  windowsOf.set(sequences, known);
  return known;
}

/** A limit a score condition tests: `score: { lte: 30 }` is `{ measure: 'score', value: 30 }`. */
export interface ScoreLimit {
  measure: 'score' | 'engagement';
  value: number;
}

const limitsOf = new WeakMap<readonly Sequence[], ScoreLimit[]>();

/**
 * The score and engagement limits the sequences' conditions test (audiences, segments, exits,
 * steps), collected once per set of sequences. Decay alone carries a lead across them, as across
 * a stage threshold: `audience: { score: { lte: 20 } }` starts to hold the hour the decaying
 * score reaches 20, so the runs (and the forecast) must visit the lead then. Fit never moves with
 * time alone, so its limits are left out.
 */
export function conditionScoreLimits(sequences: readonly Sequence[]): ScoreLimit[] {
  let known = limitsOf.get(sequences);
  if (known) return known;
  const found = new Map<string, ScoreLimit>();
  const add = (measure: ScoreLimit['measure'], value: number | undefined) => {
    if (value !== undefined) found.set(`${measure}:${value}`, { measure, value });
  };
  const visit = (c: Condition | undefined): void => {
    if (!c) return;
    if (c.kind === 'score') {
      if (c.measure === 'fit') return;
      add(c.measure, c.gte);
      add(c.measure, c.lte);
    } else if (c.kind === 'all' || c.kind === 'any') c.of.forEach(visit);
    else if (c.kind === 'not' || c.kind === 'segment') visit(c.of);
  };
  for (const s of sequences) {
    visit(s.audience.condition);
    visit(s.exitWhen);
    visit(s.enterOn);
    for (const step of s.steps) {
      visit(step.when);
      visit(step.unless);
    }
  }
  known = [...found.values()];
  limitsOf.set(sequences, known);
  return known;
}

/** The first instant after `t` at which one of the lead's events leaves a condition window. */
export function nextWindowEdge(sequences: readonly Sequence[], events: readonly LeadEvent[], t: number): number | undefined {
  const windows = conditionWindows(sequences);
  if (windows.length === 0) return undefined;
  let edge: number | undefined;
  for (const w of windows) {
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.at > t) continue;
      const leaves = e.at + w + 1;
      if (leaves <= t) break;
      if (edge === undefined || leaves < edge) edge = leaves;
    }
  }
  return edge;
}
