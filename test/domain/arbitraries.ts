import { emptyCounts } from '../../src/domain/send-time/model.js';
import type { SegmentGroupCounts, SendTimeCounts, SendTimeSegment, SendTimeSettings } from '../../src/domain/send-time/types.js';
import fc from 'fast-check';
import type { LeadState } from '../../src/domain/lead-plan.js';
import {
  type ConsentState,
  type EventType,
  type LeadEvent,
  NURTURE_STAGES,
  type Policy,
  type Sequence,
} from '../../src/domain/types.js';
import type { SeasonRule } from '../../src/domain/types.js';
import { parseDuration } from '../../src/time/duration.js';
import { SeasonCalendar } from '../../src/time/recurrence.js';
import { reactionsArb, withReactions } from './condition-arbitraries.js';
import { cap, DAY, HOUR, leadState, policy, sequence, TIERS, titleFor } from './fixtures.js';

/** Random workspaces, leads and events for the invariant properties. */

export const ZONES = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Tehran',
  'Australia/Eucla',
  'America/Santiago',
  'Africa/Casablanca',
] as const;
const COUNTRIES = ['US', 'DE', 'GB', 'IN', 'AU', 'NZ', 'CA', 'FR', ''] as const;
const WAITS = ['P0D', 'PT1H', 'PT6H', 'P1D', 'P2D', 'P3D', 'P5D', '1 business day', '2 business days'] as const;
const CYCLES = [undefined, undefined, 'P2W', 'P2M', 'P5M', 'P1Y'] as const;

/** Short, frequent seasons so that 90 days cross several: a monthly peak and a monthly pause. */
export const SEASONS: SeasonRule[] = [
  { id: 'peak', pace: 2, pause: false, days: new SeasonCalendar('FREQ=MONTHLY;BYMONTHDAY=10', parseDuration('P5D')!) },
  { id: 'pause', pace: 1, pause: true, days: new SeasonCalendar('FREQ=MONTHLY;BYMONTHDAY=20', parseDuration('P3D')!) },
];
const CAPS = [cap(1, 'P1D'), cap(2, 'P3D'), cap(3, 'P7D'), cap(5, 'P30D'), cap(2, 'PT12H')];

/** 2026-01-01T00:00Z plus whole days: starts all over the year, across DST changes. */
export const startArb = fc
  .integer({ min: 0, max: 730 })
  .map((d) => Date.parse('2026-01-01T00:00:00Z') + d * DAY);

export const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    consent: fc.constantFrom('confirmed' as const, 'single' as const),
    caps: fc.subarray(CAPS, { maxLength: 2 }),
    minGapHours: fc.integer({ min: 0, max: 48 }),
    fromMinute: fc.integer({ min: 12, max: 22 }).map((h) => h * 30),
    length: fc.integer({ min: 4, max: 20 }).map((h) => h * 30),
    days: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
    holidays: fc.boolean(),
    tiers: fc.boolean(),
    seasons: fc.subarray(SEASONS),
  })
  .map((r) =>
    policy({
      consent: r.consent,
      caps: r.caps,
      minGapMs: r.minGapHours * HOUR,
      window: {
        days: [...r.days].sort(),
        fromMinute: r.fromMinute,
        toMinute: Math.min(r.fromMinute + r.length, 24 * 60),
      },
      holidays: r.holidays,
      salesCycles: r.tiers ? TIERS : [],
      seasons: r.seasons,
    }),
  );

export const sequencesArb: fc.Arbitrary<Sequence[]> = fc
  .array(
    fc.record({
      waits: fc.array(fc.constantFrom(...WAITS), { minLength: 2, maxLength: 5 }),
      priority: fc.integer({ min: 0, max: 10 }),
      stages: fc.subarray([...NURTURE_STAGES.slice(0, 3)], { minLength: 1 }),
      exitOn: fc.subarray(['meeting_booked', 'replied', 'became_customer'] as EventType[]),
      then: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      salesCycle: fc.constantFrom(...CYCLES),
      season: fc.constantFrom(undefined, undefined, undefined, 'peak'),
      reactions: reactionsArb,
    }),
    { minLength: 2, maxLength: 3 },
  )
  .map((specs) =>
    specs.map((s, i) =>
      withReactions(sequence(`seq${i}`, s.waits, {
        priority: s.priority,
        audience: { stages: s.stages },
        exitOn: s.exitOn,
        ...(s.salesCycle ? { salesCycle: s.salesCycle } : {}),
        ...(s.season ? { season: s.season } : {}),
        ...(s.then !== undefined && s.then < specs.length ? { then: `seq${s.then}` } : {}),
      }), s.reactions),
    ),
  );

export interface LeadSpec {
  zone: string;
  country: string;
  consent: ConsentState;
  stage: keyof typeof titleFor;
  suppressed: boolean;
  /** Engagement before the start, in hours before it. */
  history: { type: EventType; hoursBefore: number; url: string }[];
}

export const leadArb: fc.Arbitrary<LeadSpec> = fc.record({
  zone: fc.constantFrom(...ZONES),
  country: fc.constantFrom(...COUNTRIES),
  consent: fc.constantFrom<ConsentState[]>(
    ...([
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'pending',
      'none',
      'unsubscribed',
    ] as const),
  ),
  stage: fc.constantFrom('awareness' as const, 'interest' as const, 'desire' as const),
  suppressed: fc.constantFrom(false, false, false, false, false, false, false, true),
  history: fc.array(
    fc.record({
      type: fc.constantFrom<EventType>(
        'email_opened',
        'email_opened',
        'page_viewed',
        'email_clicked',
        'replied',
      ),
      hoursBefore: fc.integer({ min: 1, max: 60 * 24 }),
      url: fc.constantFrom('https://x.test/careers', 'https://x.test/pricing'),
    }),
    { maxLength: 6 },
  ),
});

export interface FutureEvent {
  type: EventType;
  minutesAfter: number;
}

/** Events after the start: engagement and exits at random moments of the horizon. */
export const futureEventsArb = (days: number): fc.Arbitrary<FutureEvent[]> =>
  fc.array(
    fc.record({
      type: fc.constantFrom<EventType>(
        'email_opened',
        'email_opened',
        'email_clicked',
        'page_viewed',
        'meeting_booked',
        'replied',
        'unsubscribed',
        'bounced',
        'complained',
      ),
      minutesAfter: fc.integer({ min: 0, max: days * 24 * 60 }),
    }),
    { maxLength: 5 },
  );

/** A fresh lead state (the planner mutates it) with its history sorted ascending. */
export function leadFrom(spec: LeadSpec, start: number): LeadState {
  const history: LeadEvent[] = spec.history
    .map((h) => ({ type: h.type, at: start - h.hoursBefore * HOUR, url: h.url }))
    .sort((a, b) => a.at - b.at);
  const state = leadState(
    { timezone: spec.zone, country: spec.country, consent: spec.consent, jobTitle: titleFor[spec.stage] },
    history,
  );
  state.suppressed = spec.suppressed;
  return state;
}

/**
 * Send-time optimisation on, half the time, with random delays, exploration and holdout shares,
 * and workspace and domain counts peaked at random hours of the week (the lead's own history
 * above adds lead-level opens and clicks): the invariants must hold whatever slot it picks.
 */
/** A count at an hour of the week, mostly in daytime hours (where send windows are). */
const cellArb = (max: number) =>
  fc.record({
    bin: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 7, max: 20 })).map(([d, h]) => d * 24 + h) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 167 }) },
    ),
    n: fc.integer({ min: 1, max }),
  });

export const sendTimeArb: fc.Arbitrary<{ settings: SendTimeSettings; counts: SendTimeCounts } | undefined> = fc.option(
  fc
    .record({
      maxDelay: fc.oneof(
        fc.integer({ min: 1, max: 3 }).map((businessDays) => ({ businessDays })),
        fc.integer({ min: 1, max: 40 }).map((h) => ({ ms: h * HOUR })),
      ),
      explore: fc.constantFrom(0, 0.1, 0.5),
      holdout: fc.constantFrom(0, 0.1, 0.5),
      workspace: fc.array(cellArb(50), { maxLength: 30 }),
      domain: fc.array(cellArb(9), { maxLength: 6 }),
    })
    .map((r) => {
      const counts = (cells: { bin: number; n: number }[]) => {
        const c = emptyCounts();
        for (const { bin, n } of cells) {
          c.bins[bin]! += n;
          c.total += n;
        }
        return c;
      };
      const domains = new Map(r.domain.length > 0 ? [['example.com', counts(r.domain)] as const] : []);
      return {
        settings: { optimize: true, maxDelay: r.maxDelay, maxDelayText: 'P1D', explore: r.explore, holdout: r.holdout },
        counts: { workspace: counts(r.workspace), domains },
      };
    }),
  { freq: 2 },
);

/**
 * A send-time segment on some countries (so some leads are in it), with counts peaked at random
 * hours, added to sendTimeArb's draw: kept apart so that sendTimeArb's shape, and the replay
 * paths pinned from it, stay as they were.
 */
export const segmentArb: fc.Arbitrary<{ segment: SendTimeSegment; groups: SegmentGroupCounts[] }> = fc
  .record({
    countries: fc.subarray([...COUNTRIES]),
    cells: fc.array(cellArb(20), { maxLength: 10 }),
    leads: fc.integer({ min: 1, max: 40 }),
  })
  .map((r) => {
    const c = emptyCounts();
    for (const { bin, n } of r.cells) {
      c.bins[bin]! += n;
      c.total += n;
    }
    const condition = { kind: 'field' as const, field: 'country', in: new Set(r.countries.map((x) => x.toLowerCase())), label: 'country' };
    return { segment: { name: 'here', condition }, groups: r.cells.length > 0 ? [{ segments: ['here'], leads: r.leads, counts: c }] : [] };
  });
