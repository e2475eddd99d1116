/** The stored column behind each template value of a lead (`lead.attributes.*` are in the JSON). */
const COLUMNS: Record<string, string> = {
  'lead.email': 'email',
  'lead.firstName': 'first_name',
  'lead.lastName': 'last_name',
  'lead.company': 'company',
  'lead.jobTitle': 'job_title',
  'lead.industry': 'industry',
  'lead.country': 'country',
};

export interface EmptyCount {
  empty: number;
  leads: number;
}

/** Where one template value is stored: a column, or a key of the attributes JSON. */
export type EmptyFieldTarget = { name: string; column: string } | { name: string; attribute: string };

/**
 * The values whose emptiness the database can count, each once, in the order asked (unknown names
 * left out): both stores count the same ones under the same keys.
 */
export function emptyFieldTargets(names: readonly string[]): EmptyFieldTarget[] {
  return [...new Set(names)].flatMap((name): EmptyFieldTarget[] => {
    const column = COLUMNS[name];
    if (column) return [{ name, column }];
    const attribute = /^lead\.attributes\.([^.]+)$/.exec(name)?.[1];
    // A quote would end SQLite's quoted JSON path key: it is dropped on both stores alike.
    return attribute ? [{ name, attribute: attribute.replace(/"/g, '') }] : [];
  });
}

/** The counts by name from one scan's answer: the current leads and, per target, the empty ones. */
export function emptyCountsOf(targets: readonly EmptyFieldTarget[], leads: number, empties: readonly (number | null | undefined)[]): Map<string, EmptyCount> {
  return new Map(targets.map((t, i) => [t.name, { empty: empties[i] ?? 0, leads }]));
}
