import { emptyCounts, SendTimeModel } from '../../src/domain/send-time/model.js';
import type { SendTimeCounts } from '../../src/domain/send-time/types.js';
import { DateTime } from 'luxon';
import {
  advanceLead,
  applyDecision,
  type LeadState,
  MAX_SENDS_PER_RUN,
  type PlanContext,
} from '../../src/domain/lead-plan.js';
import { DEFAULT_CADENCE } from '../../src/domain/cadence.js';
import type { ScoringModel } from '../../src/domain/scoring.js';
import type {
  CapRule,
  EventType,
  Force,
  LeadEvent,
  LeadProfile,
  Policy,
  SalesCycleTier,
  Sequence,
  Stage,
} from '../../src/domain/types.js';
import { parseDuration } from '../../src/time/duration.js';
import { HolidayCalendar } from '../../src/time/holidays.js';
import { isoWithOffset } from '../../src/time/zone.js';
import { ZoneDays } from '../../src/time/zone-days.js';

/** Hand-made workspace values for the pure planner: no files, no database, no clock. */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Epoch ms of an ISO string that carries its own offset (never the machine's zone). */
export const at = (iso: string): number => {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid || !/(Z|[+-]\d\d:\d\d)$/.test(iso)) throw new Error(`fixture needs an offset: ${iso}`);
  return dt.toMillis();
};

/** ISO 8601 in the zone with its offset, e.g. 2026-11-30T09:00:00-05:00. */
export const local = (epochMs: number, zone: string): string => isoWithOffset(epochMs, zone);

export function cap(max: number, per: string): CapRule {
  return { max, per, perMs: parseDuration(per)!.approxMs };
}

const tier = (over: Partial<SalesCycleTier>): SalesCycleTier => ({
  upTo: null,
  upToMs: Number.POSITIVE_INFINITY,
  waitScale: 1,
  caps: [],
  minGapMs: 0,
  ...over,
});

/** The documented default sales-cycle tiers (README "Cadence"; schema.ts DEFAULT_SALES_CYCLES). */
export const TIERS: SalesCycleTier[] = [
  tier({ upTo: 'P30D', upToMs: 30 * DAY, waitScale: 0.75 }),
  tier({ upTo: 'P90D', upToMs: 90 * DAY }),
  tier({ upTo: 'P180D', upToMs: 180 * DAY, waitScale: 1.5, caps: [cap(2, 'P7D')], minGapMs: 2 * DAY }),
  tier({ waitScale: 2, caps: [cap(1, 'P7D'), cap(3, 'P30D')], minGapMs: 4 * DAY }),
];

/** Adaptive cadence switched off: for tests about time, not about the lead. */
export const STEADY = {
  ...DEFAULT_CADENCE,
  unopened: { slowAfter: 1000, waitScale: 1, sunsetAfter: 1000 },
  hot: { ...DEFAULT_CADENCE.hot, waitScale: 1 },
};

export function policy(over: Partial<Policy> = {}): Policy {
  return {
    defaultZone: 'America/New_York',
    defaultCountry: '',
    consent: 'confirmed',
    caps: [],
    minGapMs: 0,
    window: { days: [1, 2, 3, 4, 5], fromMinute: 9 * 60, toMinute: 17 * 60 },
    holidays: true,
    runEveryMs: HOUR,
    salesCycles: [],
    seasons: [],
    cadence: DEFAULT_CADENCE,
    ...over,
  };
}

const FORCE_CYCLE: Force[] = ['push', 'pull', 'habit', 'anxiety'];

export function sequence(
  id: string,
  waits: string[],
  over: Partial<Omit<Sequence, 'id' | 'steps'>> = {},
): Sequence {
  return {
    id,
    name: id,
    description: '',
    audience: { stages: ['awareness', 'interest', 'desire'] },
    priority: 0,
    exitOn: ['meeting_booked', 'replied', 'became_customer'],
    ...over,
    steps: waits.map((wait, i) => ({
      id: `s${i + 1}`,
      force: FORCE_CYCLE[i % 4]!,
      template: `${id}-${i + 1}`,
      wait,
    })),
  };
}

/** Title points set the starting stage: 0 awareness, 20 interest, 45 desire; opens add 5, decaying. */
export const scoring: ScoringModel = {
  fit: [
    { id: 'senior', points: 20, field: 'jobTitle', pattern: /director|vp/i },
    { id: 'exec', points: 25, field: 'jobTitle', pattern: /vp/i },
  ],
  engagement: [
    { id: 'opens', points: 5, events: new Set<EventType>(['email_opened']) },
    { id: 'careers', points: -10, events: new Set<EventType>(['page_viewed']), urlContains: ['careers'] },
  ],
  halfLifeMs: 14 * DAY,
  stages: { awareness: 0, interest: 20, desire: 45, action: 90 },
};

/** Like run/context.ts planContext(), from values: sequences ordered by priority, then id. */
export function planContext(p: Policy, sequences: Sequence[], model: ScoringModel = scoring, counts?: SendTimeCounts): PlanContext {
  return {
    ...(p.sendTime ? { sendTime: new SendTimeModel(p.sendTime, counts ?? { workspace: emptyCounts(), domains: new Map() }) } : {}),
    policy: p,
    sequences: [...sequences].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id)),
    scoring: model,
    windows: {
      window: p.window,
      holidays: p.holidays ? new HolidayCalendar() : null,
      zoneDays: new ZoneDays(),
    },
  };
}

export function profile(over: Partial<LeadProfile> = {}): LeadProfile {
  return {
    id: 1,
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    company: 'Example',
    jobTitle: 'Analyst',
    industry: 'software',
    country: 'US',
    timezone: 'America/New_York',
    consent: 'confirmed',
    attributes: {},
    ...over,
  };
}

export function leadState(over: Partial<LeadProfile> = {}, events: LeadEvent[] = []): LeadState {
  return { profile: profile(over), events, enrollments: [], sends: [], suppressed: false };
}

export const titleFor: Record<'awareness' | 'interest' | 'desire', string> = {
  awareness: 'Analyst',
  interest: 'Director',
  desire: 'VP Sales',
};
export type StartStage = Extract<Stage, keyof typeof titleFor>;

export { MAX_SENDS_PER_RUN };

export interface SimSend {
  sequenceId: string;
  stepId: string;
  at: number;
}

/**
 * Hourly runs from `from` to `to`, purely: events are added to the state when their time passes,
 * each run advances the lead, sends (bounded) and moves on. `observe` sees every outcome.
 */
export function simulateHourly(
  ctx: PlanContext,
  state: LeadState,
  events: readonly LeadEvent[],
  from: number,
  to: number,
  observe?: (outcome: ReturnType<typeof advanceLead>, t: number) => void,
): SimSend[] {
  const pending = [...events].sort((a, b) => a.at - b.at);
  const sends: SimSend[] = [];
  let next = 0;
  for (let t = from; t < to; t += ctx.policy.runEveryMs) {
    if (next < pending.length && pending[next]!.at <= t) {
      const arrived: LeadEvent[] = [];
      while (next < pending.length && pending[next]!.at <= t) arrived.push(pending[next++]!);
      state.events = [...state.events, ...arrived];
    }
    for (let round = 0; round < MAX_SENDS_PER_RUN; round++) {
      const advance = advanceLead(ctx, state, t);
      observe?.(advance, t);
      const { outcome } = advance;
      if (outcome.kind !== 'send') break;
      applyDecision(state, outcome, t);
      sends.push({ sequenceId: outcome.sequence.id, stepId: outcome.step.id, at: t });
    }
  }
  return sends;
}
