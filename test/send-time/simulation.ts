import { advanceLead, applyDecision, type LeadState } from '../../src/domain/lead-plan.js';
import { SEND_TIME_HOLDOUT } from '../../src/domain/send-time/choose.js';
import { hourOfWeek } from '../../src/domain/send-time/hour-of-week.js';
import { emptyCounts, SendTimeModel } from '../../src/domain/send-time/model.js';
import type { HourCounts, SendTimeSettings } from '../../src/domain/send-time/types.js';
import type { LeadEvent } from '../../src/domain/types.js';
import { nextTick } from '../../src/domain/placement.js';
import { localDayAndMinute } from '../../src/time/wall-clock.js';
import { DAY, HOUR, leadState, planContext, policy, sequence, STEADY } from '../domain/fixtures.js';

/**
 * A known truth, written here: each company reads its mail at one local hour (13:00, 14:00 or
 * 15:00; 80% of its people at the company's hour, the rest at any hour 9–16), and a person opens
 * mail only when reading it. A message that arrives in the two hours up to the reading hour is
 * opened with probability 0.6; one that arrived earlier that day has sunk in the inbox (0.3); one
 * that arrives after it waits for the next day's reading (0.1). Every lead gets 8 touches two days
 * apart under a 09:00–17:00 window, so without send-time optimisation each arrives at 09:00.
 */
export const P_READ = 0.6;
export const P_EARLY = 0.3;
export const P_LATE = 0.1;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ArmCounts {
  sends: number;
  opened: number;
}

export interface SimulationResult {
  optimised: ArmCounts;
  holdout: ArmCounts;
}

export const START = Date.parse('2026-03-02T00:00:00Z');
const WEEKS = 5;

/**
 * One seeded simulation: leads taken one after another through hourly runs (the planner visited
 * at every tick where its decision can change: a planned touch, or an open that the lead's model
 * sees), the workspace and domain counts growing from the opens of the leads before, as each
 * run's counts would.
 */
export function simulateSendTime(seed: number, leads: number, settings: Omit<SendTimeSettings, 'optimize' | 'maxDelayText'>): SimulationResult {
  const random = mulberry32(seed);
  const companies = Array.from({ length: 8 }, (_, i) => ({ domain: `c${i}.example`, hour: 13 + Math.floor(random() * 3) }));
  const workspace = emptyCounts();
  const domains = new Map<string, HourCounts>();
  const p = policy({ holidays: false, cadence: STEADY, sendTime: { optimize: true, maxDelayText: 'P1D', ...settings } });
  const seqs = [sequence('nurture', ['P0D', 'P2D', 'P2D', 'P2D', 'P2D', 'P2D', 'P2D', 'P2D'])];
  const result: SimulationResult = { optimised: { sends: 0, opened: 0 }, holdout: { sends: 0, opened: 0 } };
  for (let i = 0; i < leads; i++) {
    const company = companies[Math.floor(random() * companies.length)]!;
    const zone = ZONES[i % ZONES.length]!;
    const readingHour = random() < 0.8 ? company.hour : 9 + Math.floor(random() * 8);
    const email = `lead${i}@${company.domain}`;
    const ctx = planContext(p, seqs);
    ctx.sendTime = new SendTimeModel(p.sendTime!, { workspace, domains: new Map(domains) });
    const state: LeadState = leadState({ id: i + 1, email, timezone: zone, jobTitle: 'Director' });
    const opens: LeadEvent[] = [];
    // From the lead's local Monday midnight: its first touch goes at the first open moment, 09:00.
    const start = nextTick(ctx.windows.zoneDays.dayOf(zone, START + 12 * HOUR).startMs, HOUR);
    const end = start + WEEKS * 7 * DAY;
    for (let t = start, guard = 0; t < end && guard < 500; guard++) {
      const { outcome } = advanceLead(ctx, state, t);
      if (outcome.kind === 'send') {
        const holdout = outcome.reasons.some((r) => r.rule === 'send-time' && r.detail.startsWith(SEND_TIME_HOLDOUT));
        const arm = holdout ? result.holdout : result.optimised;
        arm.sends++;
        const open = openAt(zone, t, readingHour, random);
        if (open !== undefined) {
          arm.opened++;
          opens.push({ type: 'email_opened', at: open, url: '' });
          state.events = [...state.events, { type: 'email_opened', at: open, url: '' }];
        }
        applyDecision(state, outcome, t);
        continue;
      }
      if (outcome.kind !== 'wait') break;
      const seen = state.events.find((e) => e.at > t);
      t = Math.min(outcome.at, seen ? nextTick(seen.at, HOUR) : Number.POSITIVE_INFINITY);
    }
    for (const o of opens) {
      const bin = hourOfWeek(ctx.windows.zoneDays, zone, o.at);
      workspace.bins[bin]!++;
      workspace.total++;
      let d = domains.get(company.domain);
      if (!d) domains.set(company.domain, (d = emptyCounts()));
      d.bins[bin]!++;
      d.total++;
    }
  }
  return result;
}

/** The truth: when (if at all) a message delivered at `at` is opened — always at the reader's hour. */
export function openAt(zone: string, at: number, readingHour: number, random: () => number): number | undefined {
  const { minute } = localDayAndMinute(zone, at);
  const hour = Math.floor(minute / 60);
  const readAt = at + (readingHour * 60 + 20 - minute) * 60_000;
  if (hour <= readingHour && hour >= readingHour - 2) return random() < P_READ ? Math.max(readAt, at + 5 * 60_000) : undefined;
  if (hour < readingHour) return random() < P_EARLY ? readAt : undefined;
  return random() < P_LATE ? readAt + DAY : undefined;
}
