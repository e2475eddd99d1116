import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

/** The migrations drizzle-kit generated into `dir` (its meta/_journal.json), in order. */
export function migrationJournal(dir: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/** How far a database is: the tag of its last applied migration (by count, as drizzle applies them in order). */
export function migrationLevel(applied: number, journal: readonly JournalEntry[]) {
  return {
    applied,
    available: journal.length,
    latest: applied > 0 ? (journal[applied - 1]?.tag ?? null) : null,
    pending: journal.slice(applied).map((e) => e.tag),
  };
}
