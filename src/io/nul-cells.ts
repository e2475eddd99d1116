/**
 * The first column whose cell holds U+0000, if any. PostgreSQL's text cannot hold that character
 * (SQLite stores it), so such a row is rejected on both databases alike rather than aborting a
 * PostgreSQL batch and losing its other rows; a NUL is never meaningful in a lead or an event.
 */
export function nulColumn(fields: Readonly<Record<string, string>>): string | undefined {
  for (const [column, value] of Object.entries(fields)) if (value.includes('\u0000')) return column;
  return undefined;
}

export const nulReason = (column: string) => `${column}: contains a NUL character (U+0000), which cannot be stored: remove it and import the row again`;
