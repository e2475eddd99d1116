import Holidays from 'date-holidays';
import { DAY_MS } from './clock.js';
import { parseDuration } from './duration.js';
import { SeasonCalendar } from './recurrence.js';

/** A closed day of nurture.yaml `holidays.extra`: one date or a recurrence, for some countries or everyone. */
export interface ExtraHoliday {
  name: string;
  /** YYYY-MM-DD, the lead's local date. */
  date?: string;
  /** An RRULE (e.g. FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=2), expanded in local dates like a season. */
  rrule?: string;
  /** ISO codes ("NP", or "US-CA" for a region); absent: every lead. */
  countries?: string[];
}

/** What closes the send window besides the weekdays: public holidays (date-holidays) and closed days of our own. */
export interface HolidayRules {
  public: boolean;
  extra: readonly ExtraHoliday[];
}

const ONE_DAY = parseDuration('P1D')!;

interface CompiledExtra {
  name: string;
  countries: readonly string[] | null;
  date?: string;
  days?: SeasonCalendar;
}

/**
 * Public holidays by country (optionally "US-CA" style country-region), from date-holidays.
 * Only `public` holidays close the send window; observances and optional days do not.
 */
export class HolidayCalendar {
  private readonly byCountryYear = new Map<string, Map<string, string>>();
  /** Country → year → table: the hot path (once per lead and day looked at) builds no string key. */
  private readonly byCountry = new Map<string, Map<number, Map<string, string>>>();

  /** Country → local date → name or null: the planner asks about the same few days for every lead. */
  private readonly byCountryDate = new Map<string, Map<string, string | null>>();
  private readonly extra: CompiledExtra[];
  private readonly publicHolidays: boolean;

  constructor(rules: HolidayRules = { public: true, extra: [] }) {
    this.publicHolidays = rules.public;
    this.extra = rules.extra.map((h) => ({
      name: h.name,
      countries: h.countries ?? null,
      date: h.date,
      days: h.rrule === undefined ? undefined : new SeasonCalendar(h.rrule, ONE_DAY),
    }));
  }

  /** The holiday's name when `localDate` (YYYY-MM-DD) is a public holiday in `country`. */
  holidayOn(country: string, localDate: string): string | undefined {
    let dates = this.byCountryDate.get(country);
    if (!dates) this.byCountryDate.set(country, (dates = new Map()));
    const known = dates.get(localDate);
    if (known !== undefined) return known ?? undefined;
    const name = (this.publicHolidays ? this.lookUp(country, localDate) : undefined) ?? this.extraOn(country, localDate);
    dates.set(localDate, name ?? null);
    return name;
  }

  /** A closed day of our own: for everyone, for the country, or for its region ("US" covers "US-CA"). */
  private extraOn(country: string, localDate: string): string | undefined {
    if (this.extra.length === 0) return undefined;
    const base = country.split('-')[0]!;
    const dayNumber = Math.floor(Date.parse(`${localDate}T00:00:00Z`) / DAY_MS);
    for (const h of this.extra) {
      if (h.countries && !h.countries.includes(country) && !h.countries.includes(base)) continue;
      if (h.date === localDate || h.days?.contains(dayNumber)) return h.name;
    }
    return undefined;
  }

  /** How many local days of `year` are closed in `country` (public holidays and closed days of our own). */
  closedDaysIn(country: string, year: number): number {
    let n = 0;
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY_MS)
      if (this.holidayOn(country, new Date(t).toISOString().slice(0, 10))) n++;
    return n;
  }

  private lookUp(country: string, localDate: string): string | undefined {
    const year = Number(localDate.slice(0, 4));
    let years = this.byCountry.get(country);
    if (!years) {
      years = new Map();
      this.byCountry.set(country, years);
    }
    let table = years.get(year);
    if (!table) {
      table = this.table(country, year);
      years.set(year, table);
    }
    return table.get(localDate);
  }

  static isKnownCountry(country: string): boolean {
    const [c, region] = country.split('-');
    if (!c) return false;
    const hd = new Holidays();
    if (hd.getCountries()[c] === undefined) return false;
    return region === undefined || hd.getStates(c)?.[region] !== undefined;
  }

  private table(country: string, year: number): Map<string, string> {
    const key = `${country}|${year}`;
    let table = this.byCountryYear.get(key);
    if (!table) {
      table = new Map();
      const [c, region] = country.split('-');
      const hd = c ? new Holidays(c, region ?? '') : undefined;
      for (const h of hd?.getHolidays(year) ?? []) {
        if (h.type === 'public') {
          // `date` is "YYYY-MM-DD hh:mm:ss" in the country's own time: the local date we want.
          table.set(h.date.slice(0, 10), h.name);
        }
      }
      this.byCountryYear.set(key, table);
    }
    return table;
  }
}
