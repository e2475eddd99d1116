import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';

/**
 * Country names, alpha-2 and alpha-3 codes to ISO 3166-1 alpha-2, through i18n-iso-countries
 * (names in every language it ships, with their common aliases: "USA", "UK", "Deutschland",
 * "Brasil", "Côte d'Ivoire"). The locales load on first use, once.
 */
let loaded = false;
const require = createRequire(import.meta.url);

function loadLocales(): void {
  if (loaded) return;
  for (const lang of countries.getSupportedLanguages()) {
    try {
      countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as countries.LocaleData);
    } catch {
      // A language listed but not shipped as a file: the others still load.
    }
  }
  loaded = true;
}

/** Spellings no locale file has but exports write ("U.S.", "Great Britain" is there; "England" is not). */
const EXTRA: Readonly<Record<string, string>> = {
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  'u.s.': 'US',
  'u.s.a.': 'US',
  'u.k.': 'GB',
  holland: 'NL',
};

const cache = new Map<string, string | null>();

/** The alpha-2 code for a country name or code, or null when it is not a country we know. */
export function countryCode(text: string): string | null {
  const raw = text.trim();
  if (raw === '') return null;
  const hit = cache.get(raw);
  if (hit !== undefined) return hit;
  const code = lookup(raw);
  cache.set(raw, code);
  return code;
}

function lookup(raw: string): string | null {
  const upper = raw.toUpperCase();
  // Subdivision codes such as US-CA are kept whole: regional holidays read them.
  const sub = /^([A-Z]{2})-[A-Z0-9]{1,3}$/.exec(upper);
  if (sub) return countries.isValid(sub[1]!) ? upper : null;
  if (/^[A-Z]{2}$/.test(upper)) return countries.isValid(upper) ? upper : upper === 'UK' ? 'GB' : null;
  if (/^[A-Z]{3}$/.test(upper) && countries.isValid(upper)) return countries.alpha3ToAlpha2(upper) ?? null;
  const extra = EXTRA[raw.toLowerCase()];
  if (extra) return extra;
  loadLocales();
  for (const lang of ['en', ...countries.getSupportedLanguages()]) {
    const code = countries.getAlpha2Code(raw, lang);
    if (code) return code;
  }
  // Exports write "Korea, Republic of" and "Viet Nam" as well as "South Korea": try without the punctuation.
  const simple = raw.replace(/[.,()]/g, ' ').replace(/\s+/g, ' ').trim();
  return simple !== raw ? (countries.getAlpha2Code(simple, 'en') ?? null) : null;
}
