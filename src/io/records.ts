import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/** One input record with the line it starts on, or a line that could not be read at all. */
export type InputRecord =
  | { kind: 'row'; line: number; fields: Record<string, string> }
  | { kind: 'bad'; line: number; reason: string };

/** Reads CSV (RFC 4180: BOM, CRLF, quoted fields with commas and newlines) or JSONL, streaming. */
export function readRecords(path: string): AsyncGenerator<InputRecord> {
  return /\.jsonl?$/i.test(path) ? readJsonLines(path) : readCsv(path);
}

const countBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;
const leadingBlankLines = (text: string) => countBreaks(/^(?:[ \t]*(?:\r\n|\r|\n))*/.exec(text)?.[0] ?? '');

/**
 * Counts physical lines from each record's raw text, because csv-parse's own `lines` counts a
 * CRLF inside a quoted field twice. The raw text includes the blank lines skipped before the
 * record but may lack the last byte of a two-byte delimiter (`a,b\r` for `a,b\r\n`): harmless,
 * as a lone `\r` counts as one break. Worked example: after the header (line 1),
 * `x,"Smith, Jones\r\n& Partners"\r\n` starts on line 2 and the next record on line 4.
 */
class LineCounter {
  /** Line breaks before the next record. */
  position = 0;

  startOf(raw: string): number {
    return this.position + 1 + leadingBlankLines(raw);
  }

  /** Moves past a record. A record skipped part-way (a stray quote) loses the rest of its raw text, at least its delimiter. */
  advance(raw: string, complete: boolean): void {
    this.position += countBreaks(raw) + (complete || /[\r\n]$/.test(raw) ? 0 : 1);
  }
}

/** A record csv-parse is skipping; more errors may follow in it before it ends. */
interface BrokenRecord {
  line: number;
  from: number;
  raw: string;
  reason: string;
}

async function* readCsv(path: string): AsyncGenerator<InputRecord> {
  const lines = new LineCounter();
  // on_record and on_skip run in file order; iterating the stream only paces the reading.
  const queue: InputRecord[] = [];
  let header: { names: string[]; line: number } | undefined;
  let broken: BrokenRecord | undefined;
  const closeBroken = () => {
    if (!broken) return;
    const last = lines.position;
    const span = last > broken.line ? ` (lines ${broken.line}–${last} could not be read)` : '';
    queue.push({ kind: 'bad', line: broken.line, reason: `unreadable CSV row: ${broken.reason}${span}` });
    broken = undefined;
  };
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      trim: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_record: (value) => {
        // With `raw: true` csv-parse passes { record, raw }; its types only know the bare record.
        const { record, raw } = value as unknown as { record: string[]; raw: string };
        closeBroken();
        const line = lines.startOf(raw);
        lines.advance(raw, true);
        if (record.length === 1 && record[0] === '') return record; // a line of spaces
        if (!header) header = { names: record, line };
        else if (record.length !== header.names.length)
          queue.push({
            kind: 'bad',
            line,
            reason: `unreadable CSV row: ${record.length} fields, but the header (line ${header.line}) has ${header.names.length}`,
          });
        else {
          const names = header.names;
          queue.push({ kind: 'row', line, fields: Object.fromEntries(names.map((h, i) => [h, record[i]!])) });
        }
        return record;
      },
      on_skip: (error, raw = '') => {
        // Another error in the record already being skipped: its raw text has grown; keep the first reason.
        if (broken && raw.startsWith(broken.raw)) lines.position = broken.from;
        else {
          closeBroken();
          broken = {
            line: lines.startOf(raw),
            from: lines.position,
            raw,
            reason: csvReason(error, header?.names),
          };
        }
        broken.raw = raw;
        lines.advance(raw, false);
        return undefined;
      },
    }),
  );
  try {
    for await (const _ of parser) while (queue.length > 0) yield queue.shift()!;
  } catch (error) {
    closeBroken();
    queue.push({
      kind: 'bad',
      line: lines.position + 1,
      reason: `unreadable CSV from here on: ${csvReason(error as Error)}; the rest of the file was not read`,
    });
  }
  closeBroken();
  while (queue.length > 0) yield queue.shift()!;
}

const QUOTING_HINT = 'quote the whole value and double the quotes inside it, e.g. "Acme ""Big"" Co"';

/** What went wrong, in the file's terms: the column by name, and never csv-parse's own line count (off after a quoted line break). */
function csvReason(error: Error | undefined, columns: string[] = []): string {
  const e = error as (Error & { code?: string; column?: unknown }) | undefined;
  const column = typeof e?.column === 'number' && columns[e.column] ? `${columns[e.column]}: ` : '';
  switch (e?.code) {
    case 'INVALID_OPENING_QUOTE':
      return `${column}a quote inside an unquoted value (${QUOTING_HINT})`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${column}text after a closing quote (${QUOTING_HINT})`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted value is never closed';
  }
  return (error?.message ?? 'unknown error').replace(/ (at|on) line \d+/g, '');
}

async function* readJsonLines(path: string): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error('expected a JSON object');
      const fields = flattenRecord(value as Record<string, unknown>);
      yield { kind: 'row', line: n, fields };
    } catch (error) {
      yield { kind: 'bad', line: n, reason: `unreadable JSON: ${(error as Error).message}` };
    }
  }
}

/** Keys whose object value holds the record's own properties (Segment's `properties` and `traits`). */
const NESTED = new Set(['properties', 'props', 'traits']);

const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v).trim());

/**
 * One JSON record as named cells: `{"email": …, "properties": {"url": …, "plan": "pro"}}` gives
 * `url` and `plan` beside `email` (a top-level key wins over a nested one); other objects stay JSON text.
 */
export function flattenRecord(value: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (NESTED.has(k.trim().toLowerCase()) && typeof v === 'object' && v !== null && !Array.isArray(v)) continue;
    fields[k.trim()] = cell(v);
  }
  for (const [k, v] of Object.entries(value)) {
    if (!NESTED.has(k.trim().toLowerCase()) || typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) if (!(pk.trim() in fields)) fields[pk.trim()] = cell(pv);
  }
  return fields;
}
