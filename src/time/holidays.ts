import Holidays from 'date-holidays';

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

  /** The holiday's name when `localDate` (YYYY-MM-DD) is a public holiday in `country`. */
  holidayOn(country: string, localDate: string): string | undefined {
    let dates = this.byCountryDate.get(country);
    if (!dates) this.byCountryDate.set(country, (dates = new Map()));
    const known = dates.get(localDate);
    if (known !== undefined) return known ?? undefined;
    const name = this.lookUp(country, localDate);
    dates.set(localDate, name ?? null);
    return name;
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
