import { type ParsedDuration, parseDuration } from '../time/duration.js';

/**
 * A step's wait: an ISO 8601 duration counted in calendar time (`P3D`: same time three days
 * later), or business days (`3 business days`: the third later day that is a send day and not a
 * public holiday of the lead's country, same wall time). Example: sent Friday 10:00 before a
 * Monday holiday, `2 business days` is due Wednesday 10:00 (Tuesday is the first).
 */
export type Wait =
  | { kind: 'calendar'; duration: ParsedDuration }
  | { kind: 'business'; days: number };

const BUSINESS = /^(\d{1,3}) business days?$/i;
const cache = new Map<string, Wait | null>();

export function parseWait(text: string): Wait | null {
  let wait = cache.get(text);
  if (wait !== undefined) return wait;
  const business = BUSINESS.exec(text.trim());
  if (business) wait = { kind: 'business', days: Number(business[1]) };
  else {
    const duration = parseDuration(text);
    wait = duration ? { kind: 'calendar', duration } : null;
  }
  cache.set(text, wait);
  return wait;
}

/** Rough length in ms (a business day counts 1.4 calendar days), for lint and comparisons. */
export function approxWaitMs(wait: Wait): number {
  return wait.kind === 'calendar' ? wait.duration.approxMs : wait.days * 1.4 * 86_400_000;
}

/**
 * A wait multiplied by a pace factor. Calendar days round to whole days (so the touch keeps its
 * wall time), hours and minutes scale exactly; business days round to whole business days.
 * A non-zero wait never scales below one unit. Example: P3D × 1.5 = P5D (4.5 rounds up), × 0.5 = P2D.
 */
export function scaleWait(wait: Wait, factor: number): Wait {
  if (factor === 1) return wait;
  if (wait.kind === 'business') return { kind: 'business', days: scaleCount(wait.days, factor) };
  const { years, months, days } = wait.duration.calendar;
  const allDays = years * 365 + months * 30 + days;
  const scaledDays = scaleCount(allDays, factor);
  const fixedMs = Math.round(wait.duration.fixedMs * factor);
  const iso = `P${scaledDays}DT${Math.round(fixedMs / 1000)}S`;
  return {
    kind: 'calendar',
    duration: {
      iso,
      calendar: { years: 0, months: 0, days: scaledDays },
      fixedMs,
      approxMs: scaledDays * 86_400_000 + fixedMs,
    },
  };
}

function scaleCount(n: number, factor: number): number {
  if (n === 0) return 0;
  return Math.max(1, Math.round(n * factor));
}
