import { DETECTABLE_LIFT } from '../domain/experiments/decide.js';
import { dayReached, sendsForPower } from '../domain/experiments/power.js';
import type { ExperimentOutcome } from '../domain/experiments/types.js';
import { wilson } from '../report/stats.js';
import type { Rate } from '../report/types.js';
import type { Workspace } from '../workspace/load.js';
import { metricText } from '../workspace/experiments-schema.js';
import { DAY_MS } from '../time/clock.js';
import { isoWithOffset } from '../time/zone.js';
import { type ExperimentReads, type ExperimentState, experimentStates } from './experiment-state.js';

/**
 * Where the power forecast takes the step's projected sends from: the forecast of the database
 * the experiments were read from (SQLite's planned in threads, PostgreSQL's read on a snapshot).
 */
export interface SendProjection {
  forecast(workspace: Workspace, options: { from: number; to: number }): Promise<{ items: readonly { sequence: string; step: string; at: string }[] }>;
}

/** How far ahead the power forecast counts the step's projected sends (then goes on at their average pace). */
export const POWER_HORIZON_DAYS = 56;
const POWER = 0.8;

export interface VariantSummary {
  id: string;
  template?: string;
  subject?: string;
  exposures: number;
  conversions: number;
  rate: Rate;
  humanClicks: number;
  humanOpens: number;
  unsubscribes: number;
  complaints: number;
  probabilityBest: number;
  expectedLoss: number;
  /** Always-valid p-value against the control (tests). */
  pValue?: number;
  /** The share of new leads it takes now. */
  share: number;
  stopped?: string;
}

export interface PowerForecast {
  lift: number;
  power: number;
  /** The control's rate so far (pooled over the arms while the control has none); null before any conversion. */
  baseline: number | null;
  sendsNeeded: number | null;
  sentSoFar: number;
  /** The step's sends the forecast projects over the next POWER_HORIZON_DAYS days. */
  projected: number;
  /** The date (workspace zone) by which the test can detect the lift, or null. */
  by: string | null;
  text: string;
}

export interface ExperimentSummary {
  sequence: string;
  step: string;
  mode: string;
  metric: string;
  alpha: number;
  decision: ExperimentOutcome['kind'];
  why: string;
  winner?: string;
  concludedAt?: string;
  variants: VariantSummary[];
  power: PowerForecast;
}

/**
 * Every experiment as `nurture experiments` shows it: counts, rates with Wilson intervals,
 * posterior summaries, the decision and why, and the power forecast from the planner's own
 * projection of the step's sends (the same forecast as the calendar).
 */
export async function experimentSummaries(reads: ExperimentReads, projection: SendProjection, workspace: Workspace, now: number): Promise<ExperimentSummary[]> {
  const states = experimentStates(reads, { sequences: workspace.sequences, goals: workspace.config.goals }, now);
  if (states.length === 0) return [];
  const perDay = await projectedPerDay(projection, workspace, states, now);
  const zone = workspace.policy.defaultZone;
  return states.map((s) => {
    const outcome = s.verdict.outcome;
    return {
      sequence: s.sequence.id,
      step: s.step.id,
      mode: s.config.mode,
      metric: metricText(s.config.metric),
      alpha: s.config.alpha,
      decision: outcome.kind,
      why: outcome.why,
      ...(outcome.kind === 'winner' ? { winner: outcome.variant } : {}),
      ...(s.stored?.concludedAt ? { concludedAt: isoWithOffset(s.stored.concludedAt, zone) } : {}),
      variants: s.variants.map((v, i) => {
        const arm = s.arms[i]!;
        const verdict = s.verdict.arms[i]!;
        return {
          id: v.id,
          ...(v.template ? { template: v.template } : {}),
          ...(v.subject ? { subject: v.subject } : {}),
          exposures: arm.exposures,
          conversions: arm.conversions,
          rate: wilson(arm.conversions, arm.exposures),
          humanClicks: arm.humanClicks,
          humanOpens: arm.humanOpens,
          unsubscribes: arm.unsubscribes,
          complaints: arm.complaints,
          probabilityBest: verdict.probabilityBest,
          expectedLoss: verdict.expectedLoss,
          ...(verdict.pValue !== undefined ? { pValue: verdict.pValue } : {}),
          share: verdict.share,
          ...(verdict.stopped ? { stopped: verdict.stopped } : {}),
        };
      }),
      power: powerForecast(s, perDay.get(s.key) ?? [], now, zone),
    };
  });
}

async function projectedPerDay(projection: SendProjection, workspace: Workspace, states: readonly ExperimentState[], now: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(states.map((s) => [s.key, new Array<number>(POWER_HORIZON_DAYS).fill(0)]));
  const forecast = await projection.forecast(workspace, { from: now, to: now + POWER_HORIZON_DAYS * DAY_MS });
  for (const item of forecast.items) {
    const days = out.get(`${item.sequence}/${item.step}`);
    if (!days) continue;
    const day = Math.floor((Date.parse(item.at) - now) / DAY_MS);
    if (day >= 0 && day < days.length) days[day]!++;
  }
  return out;
}

function powerForecast(s: ExperimentState, perDay: readonly number[], now: number, zone: string): PowerForecast {
  const sentSoFar = s.arms.reduce((sum, a) => sum + a.exposures, 0);
  const projected = perDay.reduce((sum, n) => sum + n, 0);
  const base = { lift: DETECTABLE_LIFT, power: POWER, sentSoFar, projected };
  const control = s.arms[0]!;
  const pooled = s.arms.reduce((sum, a) => sum + a.conversions, 0);
  const baseline = control.conversions > 0 ? control.conversions / control.exposures : pooled > 0 ? pooled / sentSoFar : null;
  if (baseline === null)
    return { ...base, baseline: null, sendsNeeded: null, by: null, text: `no conversion yet: the forecast needs a first ${metricText(s.config.metric)} to estimate the baseline rate` };
  // The control against its smallest challenger, at the test's per-comparison alpha.
  const shares = s.variants.map((v) => v.weight / s.variants.reduce((t, w) => t + w.weight, 0));
  const challenger = Math.min(...shares.slice(1));
  const pair = shares[0]! + challenger;
  const level = s.config.alpha / Math.max(s.variants.length - 1, 1);
  const pairNeeded = sendsForPower(baseline, DETECTABLE_LIFT, [shares[0]! / pair, challenger / pair], level, s.config.mixingVariance, POWER);
  if (!Number.isFinite(pairNeeded))
    return { ...base, baseline, sendsNeeded: null, by: null, text: `at a baseline of ${(baseline * 100).toFixed(1)}% a ${DETECTABLE_LIFT * 100}% relative lift is beyond reach` };
  const sendsNeeded = Math.ceil(pairNeeded / pair);
  const day = dayReached(sentSoFar, sendsNeeded, perDay);
  const lift = `${DETECTABLE_LIFT * 100}% relative lift`;
  if (day === undefined)
    return { ...base, baseline, sendsNeeded, by: null, text: `needs ${sendsNeeded} sends to detect a ${lift} with ${POWER * 100}% power; the forecast projects no sends of this step` };
  const by = isoWithOffset(now + day * DAY_MS, zone).slice(0, 10);
  const text =
    day === 0
      ? `already has the ${sendsNeeded} sends to detect a ${lift} with ${POWER * 100}% power`
      : `at today's traffic this test can detect a ${lift} with ${POWER * 100}% power by ${by} (${sendsNeeded} sends; ${sentSoFar} so far, ${projected} projected in ${POWER_HORIZON_DAYS} days)`;
  return { ...base, baseline, sendsNeeded, by, text };
}
