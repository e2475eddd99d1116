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

async function* readCsv(path: string): AsyncGenerator<InputRecord> {
  const skipped: InputRecord[] = [];
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => {
    skipped.push({
      kind: 'bad',
      line: error.lines ?? 0,
      reason: `unreadable CSV: ${error.message.replace(/^Invalid Record Length: /, '')}`,
    });
  });
  let previousEnd = 1; // the header line
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    yield { kind: 'row', line: previousEnd + 1, fields: record };
    previousEnd = info.lines;
  }
  while (skipped.length > 0) yield skipped.shift()!;
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
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) {
        fields[k.trim().toLowerCase()] =
          v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v).trim();
      }
      yield { kind: 'row', line: n, fields };
    } catch (error) {
      yield { kind: 'bad', line: n, reason: `unreadable JSON: ${(error as Error).message}` };
    }
  }
}
