/**
 * RFC 4180 output: a cell with a comma, quote or line break is quoted, quotes doubled. A text
 * cell that a spreadsheet would run as a formula (=, +, @, or - not starting a number) gets a
 * leading apostrophe: lead data comes from forms, and a company named "=HYPERLINK(…)" must stay text.
 */
export function csvLine(cells: readonly (string | number)[]): string {
  return cells
    .map((cell) => {
      const raw = String(cell);
      const v = typeof cell === 'string' && /^([=+@\t\r]|-(?![\d.]))/.test(raw) ? `'${raw}` : raw;
      return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

/** A header line and one line per row, the columns in the order given. */
export function toCsv<T extends Record<string, string | number>>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  return [csvLine(columns), ...rows.map((r) => csvLine(columns.map((c) => r[c]!)))].join('\n');
}
