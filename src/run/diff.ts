import { dailyVolume } from './aggregate.js';
import type { TouchItem } from './items.js';
import { removedReasons, type SequenceShape } from './removed-why.js';

export interface MovedTouch {
  lead: string;
  sequence: string;
  step: string;
  force: string;
  before: string;
  after: string;
  /** The lead's zone (the times above are local to it). */
  zone?: string;
  reason?: string;
}

export interface PlanDiff {
  from: string;
  to: string;
  /** Leads whose calendar differs in any touch, sorted. */
  leadsChanged: string[];
  added: TouchItem[];
  removed: TouchItem[];
  /** Why each removed touch left the plan (parallel to `removed`), when the current sequences were given. */
  removedWhy?: string[];
  moved: MovedTouch[];
  unchanged: number;
  volume: { day: string; before: number; after: number }[];
}

/** One touch is identified by lead, sequence and step: a lead never gets the same step twice. */
const touchKey = (i: TouchItem) => `${i.lead}\u0000${i.sequence}\u0000${i.step}`;

/**
 * What a workspace change does to the forecast: the same database forecast under the base and
 * the current workspace, compared touch by touch. A touch in both at a different instant has
 * moved; compare instants, not strings, so a change of zone notation is not a move.
 */
export function diffForecasts(
  base: { from: string; to: string; items: readonly TouchItem[] },
  current: { items: readonly TouchItem[]; sequences?: readonly SequenceShape[] },
): PlanDiff {
  const before = new Map(base.items.map((i) => [touchKey(i), i]));
  const added: TouchItem[] = [];
  const moved: MovedTouch[] = [];
  const changed = new Set<string>();
  let unchanged = 0;
  for (const item of current.items) {
    const key = touchKey(item);
    const old = before.get(key);
    before.delete(key);
    if (!old) {
      added.push(item);
      changed.add(item.lead);
    } else if (Date.parse(old.at) !== Date.parse(item.at)) {
      moved.push({ lead: item.lead, sequence: item.sequence, step: item.step, force: item.force, before: old.at, after: item.at, zone: item.zone, reason: item.reason });
      changed.add(item.lead);
    } else unchanged++;
  }
  const removed = [...before.values()];
  for (const item of removed) changed.add(item.lead);
  const was = dailyVolume(base.items);
  const now = dailyVolume(current.items);
  const days = [...new Set([...was.keys(), ...now.keys()])].sort();
  return {
    from: base.from,
    to: base.to,
    leadsChanged: [...changed].sort(),
    added,
    removed,
    ...(current.sequences ? { removedWhy: removedReasons(removed, current.items, current.sequences, base.to) } : {}),
    moved,
    unchanged,
    volume: days.map((day) => ({ day, before: was.get(day) ?? 0, after: now.get(day) ?? 0 })),
  };
}
