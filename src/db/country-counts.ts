import type { Database } from 'better-sqlite3';

/** How many leads each stored country has ('' for none): one grouped scan, for `lint`. */
export function leadsByCountry(sqlite: Database): { country: string; leads: number }[] {
  return sqlite.prepare('SELECT country, count(*) AS leads FROM leads GROUP BY country ORDER BY country').all() as {
    country: string;
    leads: number;
  }[];
}
