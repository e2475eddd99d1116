import cityTimezones from 'city-timezones';
import ct from 'countries-and-timezones';
import type { ZoneSource } from './types.js';

/**
 * A lead's zone when the file gives none: its country's zone when the country keeps one time
 * (Germany, India, Nepal); in a country with several (US, Brazil, Australia), the zone of its
 * state, region or city; else none, and the workspace zone applies. Country zones come from
 * countries-and-timezones, states and cities from city-timezones (Natural Earth's populated places).
 */
export interface ZoneGuess {
  zone: string;
  source: Exclude<ZoneSource, 'given' | 'workspace'>;
  /** What it was guessed from, for explain and the lead page: "country DE", "region California (US)". */
  from: string;
}

const countryZones = new Map<string, string | null>();

/**
 * The one zone a country keeps, or null when its zones tell different times. Zones are compared
 * by their offsets in winter and summer: Germany lists Europe/Berlin and Europe/Zurich (Büsingen),
 * which keep the same time, so Germany has one zone. The name given is the country's own:
 * a canonical zone first listed for it (Europe/Berlin for DE), else the link named after it
 * (Europe/Oslo for Norway, whose canonical zone is Europe/Berlin), else the canonical one.
 */
export function countryZone(alpha2: string): string | null {
  const hit = countryZones.get(alpha2);
  if (hit !== undefined) return hit;
  const zone = pickCountryZone(alpha2);
  countryZones.set(alpha2, zone);
  return zone;
}

function pickCountryZone(alpha2: string): string | null {
  const zones = (ct.getTimezonesForCountry(alpha2) ?? []).filter((z) => !z.deprecated);
  if (zones.length === 0) return null;
  const times = new Set(zones.map((z) => `${z.utcOffset}/${z.dstOffset}`));
  if (times.size > 1) return null;
  const own = zones.find((z) => z.countries[0] === alpha2);
  if (own) return own.name;
  const link = (ct.getTimezonesForCountry(alpha2, { deprecated: true }) ?? []).find(
    (z) => z.deprecated && z.countries.length === 1 && zones.some((c) => c.name === z.aliasOf),
  );
  return link?.name ?? zones[0]!.name;
}

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

type Place = { zone: string; pop: number };
let index: { regions: Map<string, Place>; cities: Map<string, Place> } | undefined;

/** Regions and cities by "CC|folded name", each with the zone of its most populous place. */
function places() {
  if (index) return index;
  const regions = new Map<string, Place>();
  const cities = new Map<string, Place>();
  const keep = (map: Map<string, Place>, key: string, place: Place) => {
    const had = map.get(key);
    if (!had || had.pop < place.pop) map.set(key, place);
  };
  for (const c of cityTimezones.cityMapping) {
    if (!c.timezone) continue;
    const place = { zone: c.timezone, pop: c.pop ?? 0 };
    if (c.province) keep(regions, `${c.iso2}|${fold(c.province)}`, place);
    // US state abbreviations (CA, NY) as exports often write them.
    if (c.state_ansi) keep(regions, `${c.iso2}|${fold(c.state_ansi)}`, place);
    keep(cities, `${c.iso2}|${fold(c.city)}`, place);
    if (c.city_ascii) keep(cities, `${c.iso2}|${fold(c.city_ascii)}`, place);
  }
  index = { regions, cities };
  return index;
}

/** The zone of a lead without one, from its country, then its region, then its city; null when none tells. */
export function guessZone(country: string, region: string, city: string): ZoneGuess | null {
  const alpha2 = country.slice(0, 2).toUpperCase();
  if (!/^[A-Z]{2}$/.test(alpha2)) return null;
  const single = countryZone(alpha2);
  if (single) return { zone: single, source: 'country', from: `country ${alpha2}` };
  const { regions, cities } = places();
  // A subdivision code in the country column (US-CA) names the region when no column does.
  if (!region && country.length > 3) region = country.slice(3);
  const byRegion = region ? regions.get(`${alpha2}|${fold(region)}`) : undefined;
  if (byRegion) return { zone: byRegion.zone, source: 'region', from: `region ${region} (${alpha2})` };
  const byCity = city ? cities.get(`${alpha2}|${fold(city)}`) : undefined;
  if (byCity) return { zone: byCity.zone, source: 'city', from: `city ${city} (${alpha2})` };
  return null;
}
