import { DateTime } from 'luxon';
import rrule from 'rrule';
import { DAY_MS } from './clock.js';
import type { ParsedDuration } from './duration.js';

/**
 * Recurrences (seasons) — the only module that imports rrule. rrule's own time-zone handling is
 * unreliable (its issues #355, #390, #424, #565, #658), so every rule is expanded in *floating*
 * wall time: DTSTART is a UTC date whose fields are read as a local date, and the result is a set
 * of local calendar days (days since 1970-01-01). Each lead then looks up its own local day
 * (from the zone-day digests), so a season that starts on 1 November starts at local midnight in
 * Tokyo and in New York alike, with no DateTime per lead.
 */

const DEFAULT_START = 'DTSTART:20000101T000000Z';
const MAX_LOOKAHEAD_DAYS = 800;

/** Why a recurrence text is not usable, or null when it is. */
export function recurrenceProblem(text: string): string | null {
  try {
    const rule = rrule.rrulestr(withStart(text));
    const first = rule.after(new Date(Date.UTC(2000, 0, 1)), true);
    return first ? null : 'never occurs';
  } catch (error) {
    return (error as Error).message;
  }
}

function withStart(text: string): string {
  const body = text.trim().replace(/^RRULE:/i, '');
  return /DTSTART/i.test(body) ? body : `${DEFAULT_START}\nRRULE:${body}`;
}

const yearStartDay = (year: number) => Math.floor(Date.UTC(year, 0, 1) / DAY_MS);

/** The local days a recurring season covers: occurrences of `rule`, each lasting `length`. */
export class SeasonCalendar {
  private readonly rule: ReturnType<typeof rrule.rrulestr>;
  private readonly byYear = new Map<number, Uint8Array>();

  constructor(
    text: string,
    private readonly length: ParsedDuration,
  ) {
    this.rule = rrule.rrulestr(withStart(text));
  }

  /** True when the local day (days since 1970-01-01) falls inside an occurrence. */
  contains(dayNumber: number): boolean {
    const hit = this.last;
    if (hit && dayNumber >= hit.first && dayNumber < hit.first + hit.bits.length) return hit.bits[dayNumber - hit.first] === 1;
    const year = new Date(dayNumber * DAY_MS).getUTCFullYear();
    this.last = { first: yearStartDay(year), bits: this.bitmap(year) };
    return this.last.bits[dayNumber - this.last.first] === 1;
  }

  /** The year looked up last: consecutive look-ups nearly always fall in the same one. */
  private last: { first: number; bits: Uint8Array } | undefined;

  /** The first day ≥ `dayNumber` inside (inside: true) or outside the season, if any soon. */
  nextDay(dayNumber: number, inside: boolean): number | undefined {
    for (let d = dayNumber; d < dayNumber + MAX_LOOKAHEAD_DAYS; d++) if (this.contains(d) === inside) return d;
    return undefined;
  }

  private bitmap(year: number): Uint8Array {
    let bits = this.byYear.get(year);
    if (bits) return bits;
    const first = yearStartDay(year);
    const last = yearStartDay(year + 1);
    bits = new Uint8Array(last - first);
    // Occurrences that start up to a year and a bit earlier may still run into this year.
    const from = new Date((first - 400) * DAY_MS);
    for (const occurrence of this.rule.between(from, new Date(last * DAY_MS), true)) {
      const start = Math.floor(occurrence.getTime() / DAY_MS);
      const end = this.endDay(occurrence.getTime());
      for (let d = Math.max(start, first); d < Math.min(end, last); d++) bits[d - first] = 1;
    }
    this.byYear.set(year, bits);
    return bits;
  }

  /** First day after the occurrence: at least one whole day; a part day counts as a day. */
  private endDay(startMs: number): number {
    const { years, months, days } = this.length.calendar;
    const end = DateTime.fromMillis(startMs, { zone: 'utc' }).plus({ years, months, days }).toMillis();
    const endMs = end + this.length.fixedMs;
    return Math.max(Math.floor(startMs / DAY_MS) + 1, Math.ceil(endMs / DAY_MS));
  }
}
