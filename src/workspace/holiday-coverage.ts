import { HolidayCalendar } from '../time/holidays.js';
import type { LintWarning } from './lint.js';
import type { Workspace } from './load.js';

/**
 * Fewer closed days than this in a year and a country's holiday data is called thin. Measured on
 * date-holidays 3.x for 2026 with `HolidayCalendar.closedDaysIn` (the days the planner closes):
 * median 12 over its 207 countries, 10th percentile 9; below 7 are only Saudi Arabia (4), Canada
 * (5: the rest are provincial) and India (6: most of its holidays are set by each state). Nepal
 * is not in the data at all.
 */
export const THIN_HOLIDAY_DAYS = 7;

/**
 * Warnings for the countries the leads are in whose holidays the planner barely knows: no data
 * at all, or fewer than THIN_HOLIDAY_DAYS closed days in `year` (public holidays plus the closed
 * days of `holidays.extra` for that country). Mail would go out on their days off. Leads without
 * a country count under the workspace country. Most leads first.
 */
export function holidayCoverageWarnings(
  workspace: Pick<Workspace, 'config' | 'policy'>,
  leadsByCountry: readonly { country: string; leads: number }[],
  year: number,
): LintWarning[] {
  const { policy } = workspace;
  // Public holidays switched off: the workspace chose to ignore them, there is nothing to miss.
  if (!policy.holidays || policy.holidayRules?.public === false) return [];
  const calendar = new HolidayCalendar(policy.holidayRules);
  const counts = new Map<string, number>();
  for (const { country, leads } of leadsByCountry) {
    const c = country.trim().toUpperCase() || policy.defaultCountry;
    counts.set(c, (counts.get(c) ?? 0) + leads);
  }
  const out: { leads: number; warning: LintWarning }[] = [];
  for (const [country, leads] of counts) {
    if (!/^[A-Z]{2}(-[A-Z0-9]+)?$/.test(country)) continue;
    const days = calendar.closedDaysIn(country, year);
    const known = HolidayCalendar.isKnownCountry(country);
    const fix = `add its closed days under holidays.extra (countries: [${country}])`;
    if (!known && days === 0)
      out.push({ leads, warning: { file: 'nurture.yaml', message: `holidays: ${leads} lead(s) in ${country}, which has no holiday data: mail can go out on its holidays; ${fix}` } });
    else if (days < THIN_HOLIDAY_DAYS)
      out.push({
        leads,
        warning: {
          file: 'nurture.yaml',
          message: `holidays: ${leads} lead(s) in ${country}, which has only ${days} closed day(s) in ${year} (fewer than ${THIN_HOLIDAY_DAYS}): ${fix}`,
        },
      });
  }
  return out.sort((a, b) => b.leads - a.leads).map((o) => o.warning);
}
