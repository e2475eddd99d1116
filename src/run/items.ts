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
  /** The experiment variant (steps with variants). */
  variant?: string;
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

const described = new Map<string, string>();

/** One shared string per distinct description: a run keeps one planned item per lead. */
export function describeReasons(reasons: Reason[]): string {
  const text = reasons.map((r) => (r.rule === 'due' ? r.detail : `${r.rule}: ${r.detail}`)).join('; ');
  const shared = described.get(text);
  if (shared !== undefined) return shared;
  if (described.size < 100_000) described.set(text, text);
  return text;
}

/** The item with the variant its touch carries, when the step has variants. */
export function withVariantItem(item: TouchItem, variant: { id: string } | undefined): TouchItem {
  if (variant) item.variant = variant.id;
  return item;
}
