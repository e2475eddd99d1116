import type { LeadState, PlanContext } from '../domain/lead-plan.js';
import { nextTick } from '../domain/placement.js';
import { conditionScoreLimits } from '../domain/conditions/edges.js';
import { fitScore, stageScorer } from '../domain/scoring.js';
import type { Stage } from '../domain/types.js';
import { DAY_MS } from '../time/clock.js';

// When decay alone changes a lead's stage between two forecast visits: the scan forecast.ts runs.

/**
 * The first run tick in (from, to) at which the lead's stage differs from its stage at `from`, or
 * its score crosses a limit one of the sequences' conditions tests (`score: { lte: 20 }`).
 * Decay alone moves a score one way between events, so a day-by-day scan plus bisection finds
 * the change; but contributions are rounded one by one, so a score within a few hundredths of a
 * threshold can flicker across it for an hour — those days are scanned tick by tick.
 */
export function nextStageChange(
  ctx: PlanContext,
  state: LeadState,
  scoreAt: ScoreAt,
  from: number,
  to: number,
): number | undefined {
  if (state.events.length === 0) return undefined;
  const every = ctx.policy.runEveryMs;
  // Conditions' score limits split the score line like stage thresholds (engagement = score - fit).
  const limits = conditionScoreLimits(ctx.sequences);
  const fit = limits.some((l) => l.measure === 'engagement') ? fitScore(ctx.scoring, state.profile) : 0;
  const cuts = limits.map((l) => (l.measure === 'score' ? l.value : l.value + fit));
  const thresholds = [...Object.values(ctx.scoring.stages), ...cuts];
  const classOf = (s: { score: number; stage: Stage }): string =>
    cuts.length === 0 ? s.stage : `${s.stage}:${cuts.map((c) => (s.score < c ? 0 : s.score === c ? 1 : 2)).join('')}`;
  const margin = 0.01 * (ctx.scoring.engagement.length + ctx.scoring.fit.length + 2);
  const first = scoreAt(from);
  const initial = classOf(first);
  let lo = from;
  let loNear = near(thresholds, margin, first.score);
  // The last run before `to` is sampled too: a change in the final partial day still counts.
  const lastTick = nextTick(to, every) - every;
  if (lo >= lastTick) return undefined;
  // Rounding moves a computed score at most 0.005 per rounded term from the exact one (fit is
  // rounded once and is the same at every moment): two samples are within `band` of the curve.
  const band = 0.01 * (ctx.scoring.engagement.length + 2) + 1e-6;
  if (steadyBetween(state, scoreAt, classOf, thresholds, band, from, lastTick)) return undefined;
  let day = nextTick(from + 1, every);
  if (every <= DAY_MS) {
    // Jump over the days the scan below would pass with nothing found: the last day sample `k`
    // (found by bisection) such that no run in (from, sample k] sees another stage.
    let good = -1;
    let bad = Math.ceil((lastTick - day) / DAY_MS);
    while (bad - good > 1) {
      const k = Math.floor((good + bad) / 2);
      if (steadyBetween(state, scoreAt, classOf, thresholds, band, from, daySample(day, k, every, lastTick))) good = k;
      else bad = k;
    }
    if (good >= 0) {
      lo = daySample(day, good, every, lastTick);
      loNear = near(thresholds, margin, scoreAt(lo).score);
      day += (good + 1) * DAY_MS;
    }
  }
  for (; lo < lastTick; day += DAY_MS) {
    const hi = Math.min(nextTick(day, every), lastTick);
    if (hi <= lo) break;
    const s = scoreAt(hi);
    const hiNear = near(thresholds, margin, s.score);
    if ((loNear || hiNear) && !steadyBetween(state, scoreAt, classOf, thresholds, band, lo, hi)) {
      for (let t = nextTick(lo + 1, every); t < hi; t += every) if (classOf(scoreAt(t)) !== initial) return t;
    }
    if (classOf(s) === initial) {
      lo = hi;
      loNear = hiNear;
      continue;
    }
    return loNear || hiNear ? hi : bisect(lo, hi, every, (t) => classOf(scoreAt(t)) === initial);
  }
  return undefined;
}

/** The scan's `k`th day sample after `day0`: the run that day, or the last run. */
function daySample(day0: number, k: number, every: number, lastTick: number): number {
  return Math.min(nextTick(day0 + k * DAY_MS, every), lastTick);
}

function near(thresholds: readonly number[], margin: number, score: number): boolean {
  return thresholds.some((th) => Math.abs(score - th) <= margin);
}

/**
 * True when no run in (from, last] can see another stage than at both ends, so a scan there
 * would find nothing. With no event or send dated inside, every rule's points halve at the same
 * rate, so the exact score moves one way between its values at the ends, and each computed
 * score is within half of `band` (its rounding) of the exact one. Example: band 0.04, scores
 * 31.2 at `from` and 27.9 at `last`, thresholds 20/40/60: none in [27.86, 31.24], so every run
 * in between sees the same stage. A threshold inside that range sends the caller to the scan.
 */
function steadyBetween(
  state: LeadState,
  scoreAt: ScoreAt,
  classOf: (s: { score: number; stage: Stage }) => string,
  thresholds: readonly number[],
  band: number,
  from: number,
  last: number,
): boolean {
  if (state.events.some((e) => e.at > from && e.at <= last)) return false;
  if (state.sends.some((s) => s.at > from && s.at <= last)) return false;
  const a = scoreAt(from);
  const b = scoreAt(last);
  if (classOf(a) !== classOf(b)) return false;
  const low = Math.min(a.score, b.score) - band;
  const high = Math.max(a.score, b.score) + band;
  return !thresholds.some((th) => th >= low && th <= high);
}

export type ScoreAt = (t: number) => { score: number; stage: Stage };

/**
 * The lead's score and stage at a moment, the last two remembered: the send loop and the stage
 * scan ask for the same moment in a row, and the scan compares every sample with its start. Within one lead's forecast the events never change and
 * sends are only appended, so (moment, number of sends) names the score.
 */
export function memoScore(ctx: PlanContext, state: LeadState): ScoreAt {
  const scorer = stageScorer(ctx.scoring, state.profile, state.events);
  type Entry = { t: number; sends: number; value: { score: number; stage: Stage } };
  let last: Entry | undefined;
  let before: Entry | undefined;
  return (t) => {
    const sends = state.sends.length;
    if (last !== undefined && last.t === t && last.sends === sends) return last.value;
    if (before !== undefined && before.t === t && before.sends === sends) return before.value;
    const value = scorer(t, state.sends);
    before = last;
    last = { t, sends, value };
    return value;
  };
}

/** The first tick in (a, b] where `same` turns false, given same(a) and !same(b). */
function bisect(a: number, b: number, every: number, same: (t: number) => boolean): number {
  while (b - a > every) {
    const mid = nextTick(a + (b - a) / 2, every);
    if (mid >= b) break;
    if (same(mid)) a = mid;
    else b = mid;
  }
  return b;
}
