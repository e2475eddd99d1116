import { earliestUnderFrequency } from './frequency.js';
import { nextOpenInstant, type Where, type WindowContext, windowDetail } from './send-window.js';
import type { Policy } from './types.js';

export interface Reason {
  rule:
    | 'due'
    | 'min-gap'
    | 'cap'
    | 'send-window'
    | 'schedule'
    | 'season'
    | 'sales-cycle'
    | 'cadence'
    | 'business-days'
    | 'catch-up'
    | 'sequence-switch'
    | 'pause'
    | 'content';
  detail: string;
}

const interned = new Map<Reason['rule'], Map<string, Reason>>();

/**
 * One shared Reason per distinct rule and detail: a run keeps a planned item per lead, and a
 * million leads share a few thousand distinct reasons (details name zones, dates and rules).
 * Keyed by rule, then detail, so a look-up builds no key string.
 */
export function reason(rule: Reason['rule'], detail: string): Reason {
  let byDetail = interned.get(rule);
  if (!byDetail) interned.set(rule, (byDetail = new Map()));
  let r = byDetail.get(detail);
  if (!r) {
    r = Object.freeze({ rule, detail });
    byDetail.set(detail, r);
  }
  return r;
}

/** Same rule and detail (the identity of a reason, interned or not). */
export function sameReason(a: Reason, b: Reason): boolean {
  return a === b || (a.rule === b.rule && a.detail === b.detail);
}

export interface Placement {
  at: number;
  /** True when the touch may go out at `now` itself. */
  sendNow: boolean;
  /** Every rule that moved the touch from its due time, in the order they applied. */
  reasons: Reason[];
}

export interface PlacementInput {
  now: number;
  due: number;
  where: Where;
  /** The lead's earlier sends across all sequences, ascending. */
  sentAt: readonly number[];
  policy: Policy;
  windows: WindowContext;
  /** Local days closed by a season (see pace.ts closedDay): the next open day and why. */
  closedDay?: (dayNumber: number) => { nextDay: number; detail: string } | undefined;
}

/** Runs happen on ticks (hourly by default, aligned to the epoch like cron's "0 * * * *"). */
export function nextTick(at: number, everyMs: number): number {
  return Math.ceil(at / everyMs) * everyMs;
}

/**
 * Where a due touch lands: the earliest moment ≥ max(due, now) that satisfies the caps, the
 * minimum gap and the lead's send window and that a run will see. A blocked touch is deferred,
 * never dropped. If that moment is `now`, the touch goes out in this run; otherwise it lands on
 * the first run tick at or after it — so the forecast and the hourly runs agree to the minute.
 */
export function placeTouch(input: PlacementInput): Placement {
  const { now, due, policy } = input;
  const reasons: Reason[] = [];
  let at = Math.max(due, now);
  for (let guard = 0; guard < 100; guard++) {
    const start = at;
    const frequency = earliestUnderFrequency(at, input.sentAt, policy.caps, policy.minGapMs);
    if (frequency.at > at) {
      at = frequency.at;
      reasons.push(reason(frequency.rule!, frequency.detail!));
    }
    const open = nextOpenInstant(input.windows, input.where, at);
    if (open > at) {
      reasons.push(reason('send-window', windowDetail(input.windows, input.where, at)));
      at = open;
    }
    const closed = input.closedDay?.(input.windows.zoneDays.dayOf(input.where.zone, at).dayNumber);
    if (closed) {
      reasons.push(reason('season', closed.detail));
      at = Math.max(at, input.windows.zoneDays.day(input.where.zone, closed.nextDay).startMs);
      continue;
    }
    if (at > now) {
      const tick = nextTick(at, policy.runEveryMs);
      if (tick > at) {
        at = tick;
        if (reasons.length === 0) reasons.push(reason('schedule', 'next scheduled run'));
      }
    }
    if (at === start) break;
  }
  if (reasons.length === 0) reasons.push(reason('due', 'due under every rule'));
  return { at, sendNow: at === now, reasons: dedupe(reasons) };
}

/** The first of each distinct reason, in order: a handful of reasons, so a scan beats a Set. */
function dedupe(reasons: Reason[]): Reason[] {
  const out: Reason[] = [];
  for (const r of reasons) if (!out.some((o) => sameReason(o, r))) out.push(r);
  return out;
}
