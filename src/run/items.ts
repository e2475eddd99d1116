import type { Reason } from '../domain/placement.js';
import { formatWithOffset } from '../time/offsets.js';

/** One touch as every output shows it (run --json, calendar, explain). */
export interface TouchItem {
  lead: string;
  sequence: string;
  step: string;
  force: string;
  /** ISO 8601 in the lead's own zone, with offset. */
  at: string;
  zone: string;
  reason?: string;
  rules?: Reason[];
}

export function touchItem(
  lead: string,
  zone: string,
  sequence: string,
  step: string,
  force: string,
  at: number,
  reason?: string,
  rules?: Reason[],
): TouchItem {
  const item: TouchItem = { lead, sequence, step, force, at: formatWithOffset(at, zone), zone };
  if (reason !== undefined) item.reason = reason;
  if (rules !== undefined) item.rules = rules;
  return item;
}

export function describeReasons(reasons: Reason[]): string {
  return reasons.map((r) => (r.rule === 'due' ? r.detail : `${r.rule}: ${r.detail}`)).join('; ');
}
