import type { Database } from 'better-sqlite3';
import { PlanMeta } from '../db/plan-meta.js';
import { DAY_MS } from '../time/clock.js';

/**
 * What planning reads of the whole base, as of one moment a day (issue 16). The experiments'
 * allocations and the send-time model's counts move with every exposure, open and click; if the
 * runs planned with their values of the hour, every run would change every lead's plan and no
 * run could be incremental. So both are taken as of the UTC day's start: allocations computed at
 * that instant (experiment-state.ts withAllocations), send-time counts over the events stored
 * before the day's first run (an event id mark kept in plan_state). The first run of a day then
 * sees a new digest and replans everyone when either feature is on; the others replan what
 * changed. The forecast, explain and the review pages read the same snapshot (invariants 6, 7).
 */
export function snapshotAt(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/** The plan_state key of a day's send-time mark: one per day, so a replay (`run --at` another day) leaves today's alone. */
export const sendTimeMarkKey = (now: number): string => `send_time_events:${snapshotAt(now)}`;

/**
 * The last event id the send-time counts read at `now`: the mark of `now`'s day when a run has
 * stored it, else the newest event (what that day's first run will mark). `store`: a run keeps it.
 */
export function sendTimeMark(sqlite: Database, now: number, store: boolean): number {
  const meta = new PlanMeta(sqlite);
  const key = sendTimeMarkKey(now);
  const stored = meta.get(key);
  if (stored !== undefined) return Number(stored);
  const mark = meta.lastEventId();
  if (store) meta.set(key, String(mark));
  return mark;
}
