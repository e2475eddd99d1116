import { distance } from 'fastest-levenshtein';
import { GENERIC, type Preset, PRESETS, SIGNATURES } from './presets.js';
import type { ColumnMapping, PresetId } from './types.js';

/** "Country/Region", "country_region" and "COUNTRY REGION" are one name: letters and digits only, lower case. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

type Side = 'leads' | 'events';

function aliasTable<F extends string>(side: Side, fields: readonly F[], preset: Preset | undefined): Map<string, F> {
  const table = new Map<string, F>();
  const add = (aliases: Partial<Record<F, string[]>> | undefined) => {
    for (const field of fields) for (const a of aliases?.[field] ?? []) table.set(normalizeHeader(a), field);
  };
  // Later entries win: generic spellings, then the preset's own, then our field names.
  add(GENERIC[side] as Partial<Record<F, string[]>>);
  add(preset?.[side] as Partial<Record<F, string[]>> | undefined);
  for (const f of fields) table.set(normalizeHeader(f), f);
  return table;
}

/**
 * The preset that reads the file best, or null. Each header counts 2 when it is one of the
 * preset's signature headers (matched exactly but for case: our own `first_name` is no sign of
 * Salesforce's `FirstName`) and 1 when only the preset's aliases read it; headers spelt as our
 * own fields count for none. A preset needs 2 points.
 */
export function detectPreset<F extends string>(side: Side, fields: readonly F[], headers: readonly string[]): PresetId | null {
  const ours = new Set<string>(fields);
  const foreign = headers.filter((h) => !ours.has(h.trim().toLowerCase()));
  const lower = new Set(foreign.map((h) => h.trim().toLowerCase()));
  const keys = foreign.map(normalizeHeader);
  let best: PresetId | null = null;
  let bestScore = 1;
  for (const preset of PRESETS) {
    const aliases = new Set(
      Object.values<string[] | undefined>(preset[side] ?? {}).flatMap((list) => (list ?? []).map(normalizeHeader)),
    );
    const score =
      2 * SIGNATURES[preset.id].filter((s) => lower.has(s.toLowerCase())).length + keys.filter((k) => aliases.has(k)).length;
    if (score > bestScore) {
      best = preset.id;
      bestScore = score;
    }
  }
  return best;
}

/** A field or alias the header is one or two typos away from ("emial" → email). */
function closeTo<F extends string>(key: string, table: Map<string, F>): F | undefined {
  if (key.length < 4) return undefined;
  let best: { field: F; d: number } | undefined;
  for (const [alias, field] of table) {
    const d = distance(key, alias);
    if (d <= (key.length >= 6 ? 2 : 1) && (!best || d < best.d)) best = { field, d };
  }
  return best?.field;
}

export class MappingError extends Error {}

/**
 * Fields several columns may feed at once: Marketo has Unsubscribed, Black Listed and Marketing
 * Suppressed; any one of them saying yes opts the lead out. Their values are joined with a line break.
 */
export const MULTI_FIELDS: ReadonlySet<string> = new Set(['unsubscribed', 'bounced', 'marketing_status']);

/**
 * Reads the headers of one file: which mean our fields (through `map`, our names, the preset's
 * and the generic aliases), which are kept as attributes. `map` keys are headers as written in
 * the file (matched like the aliases); its values must be fields.
 */
export function mapColumns<F extends string>(
  side: Side,
  fields: readonly F[],
  headers: readonly string[],
  opts: { preset?: PresetId; map?: Record<string, string> },
): ColumnMapping<F> {
  const forced = opts.preset;
  const presetId = forced ?? detectPreset(side, fields, headers);
  const preset = PRESETS.find((p) => p.id === presetId);
  const table = aliasTable(side, fields, preset);
  const explicit = new Map<string, F>();
  for (const [header, field] of Object.entries(opts.map ?? {})) {
    if (!(fields as readonly string[]).includes(field))
      throw new MappingError(`--map ${header}=${field}: "${field}" is not a ${side === 'leads' ? 'lead' : 'event'} field (expected one of ${fields.join(', ')})`);
    explicit.set(normalizeHeader(header), field as F);
  }
  const mapping: ColumnMapping<F> = { preset: presetId, detected: !forced && presetId !== null, fields: new Map(), kept: [], clashes: [] };
  const ours = new Set(fields.map(normalizeHeader));
  // When two headers mean one field, --map beats our own name, which beats an alias; then file order.
  const rank = (key: string) => (explicit.has(key) ? 0 : ours.has(key) ? 1 : 2);
  const candidates = headers
    .map((header, order) => ({ header, order, key: normalizeHeader(header) }))
    .map((h) => ({ ...h, field: explicit.get(h.key) ?? table.get(h.key), rank: rank(h.key) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  const used = new Map<F, string>();
  for (const { header, key, field } of candidates) {
    const usedHeader = field && !MULTI_FIELDS.has(field) ? used.get(field) : undefined;
    if (field && usedHeader === undefined) {
      mapping.fields.set(header, field);
      used.set(field, header);
    } else if (field && usedHeader !== undefined) mapping.clashes.push({ header, field, usedHeader });
    else {
      const didYouMean = closeTo(key, table);
      mapping.kept.push({ header, key: attributeKey(header), ...(didYouMean ? { didYouMean } : {}) });
    }
  }
  mapping.kept.sort((a, b) => headers.indexOf(a.header) - headers.indexOf(b.header));
  return mapping;
}

/**
 * The attribute name of a kept column: lower case, and a header with spaces joined by `_`
 * ("Lead Source" → lead_source, "Person - Phone - Work" → person_phone_work); a header without
 * spaces keeps its punctuation (utm-source), as fit rules may already name it.
 */
export function attributeKey(header: string): string {
  const lower = header.trim().toLowerCase();
  return /\s/.test(lower) ? lower.replace(/[\s\-–—/]+/g, '_').replace(/^_+|_+$/g, '') : lower;
}

/** An event property keeps its name as the tool wrote it (a webhook's `machineOpen`), spaces aside. */
function eventPropertyKey(header: string): string {
  const trimmed = header.trim();
  return /\s/.test(trimmed) ? attributeKey(trimmed) : trimmed;
}

/**
 * Splits one row by the mapping: our fields, and the rest as attributes (empty cells left out).
 * A second header for a field (see `clashes`) fills it when the first is blank, else is kept as an attribute.
 */
export function applyMapping<F extends string>(
  mapping: ColumnMapping<F>,
  row: Record<string, string>,
  keyOf: (header: string) => string = attributeKey,
): { fields: Partial<Record<F, string>>; attributes: Record<string, string> } {
  const fields: Partial<Record<F, string>> = {};
  const attributes: Record<string, string> = {};
  for (const [header, value] of Object.entries(row)) {
    const field = mapping.fields.get(header);
    if (field) fields[field] = fields[field] !== undefined && MULTI_FIELDS.has(field) ? `${fields[field]}\n${value}` : value;
  }
  for (const c of mapping.clashes) {
    const value = row[c.header];
    if (value === undefined || value === '') continue;
    if (!fields[c.field]) fields[c.field] = value;
    else attributes[keyOf(c.header)] = value;
  }
  for (const [header, value] of Object.entries(row)) {
    if (!mapping.fields.has(header) && !mapping.clashes.some((c) => c.header === header) && value !== '')
      attributes[keyOf(header)] = value;
  }
  return { fields, attributes };
}

/**
 * Maps rows as they come: the first row's headers decide the preset; a JSON Lines record with
 * keys not seen before widens the mapping (keeping that preset). `onMapping` sees each version.
 */
export function columnReader<F extends string>(
  side: Side,
  fields: readonly F[],
  opts: { preset?: PresetId; map?: Record<string, string> },
  onMapping: (mapping: ColumnMapping<F>) => void,
) {
  let mapping: ColumnMapping<F> | undefined;
  const headers: string[] = [];
  const seen = new Set<string>();
  return (row: Record<string, string>) => {
    const fresh = Object.keys(row).filter((h) => !seen.has(h));
    if (fresh.length > 0 || !mapping) {
      for (const h of fresh) seen.add(h);
      headers.push(...fresh);
      const preset = mapping ? (mapping.preset ?? undefined) : opts.preset;
      const next = mapColumns(side, fields, headers, { ...opts, preset });
      if (mapping && !opts.preset) next.detected = mapping.detected;
      mapping = next;
      onMapping(mapping);
    }
    return applyMapping(mapping, row, side === 'events' ? eventPropertyKey : attributeKey);
  };
}
