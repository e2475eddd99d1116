import { CST, type Document, isNode, LineCounter, Parser, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { WorkspaceProblem } from './errors.js';

/** A parsed YAML file that can say on which line a field lives. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): { source: YamlSource; problems: WorkspaceProblem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const problems: WorkspaceProblem[] = [];
    const unclosed = doc.errors.length > 0 ? unclosedFlows(text) : [];
    for (const e of doc.errors) {
      // yaml reports an unclosed `[` or `{` where it gave up (often the next key); point at the opener.
      const opener = /end with a [\]}]$/.test(e.message.split('\n')[0] ?? '')
        ? unclosed.filter((u) => u.offset < e.pos[0]).at(-1)
        : undefined;
      const line = opener ? lines.linePos(opener.offset).line : lines.linePos(e.pos[0]).line;
      if (problems.some((p) => p.line === line)) continue; // one syntax error leads to others on its line
      problems.push({
        file,
        line,
        message: opener
          ? `YAML syntax: this "${opener.open}" is never closed with "${opener.open === '[' ? ']' : '}'}"`
          : `YAML syntax: ${e.message.split('\n')[0] ?? e.message}`,
      });
    }
    return { source: new YamlSource(file, doc, lines), problems };
  }

  value(): unknown {
    return this.doc.toJS();
  }

  /** The line of the deepest node on `path` that exists (the parent of a missing key). */
  lineOf(path: readonly PropertyKey[]): number | undefined {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
      if (depth === 0 && this.doc.contents?.range) return this.lines.linePos(this.doc.contents.range[0]).line;
    }
    return undefined;
  }

  /** Turns zod issues into problems that name the file, line and field. */
  problemsFrom(error: z.ZodError): WorkspaceProblem[] {
    return error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = keys.length > 0 ? [...issue.path, keys[0]!] : issue.path;
      const missing = issue.code === 'invalid_type' && !this.doc.hasIn(path as unknown[]);
      const generic = issue.message.startsWith('Invalid input');
      return {
        file: this.file,
        line: this.lineOf(path),
        field: formatPath(path) || undefined,
        message: missing
          ? `required, but missing (${generic ? `expected ${kindOf(issue.expected)}` : issue.message})`
          : issue.message,
      };
    });
  }
}

const KINDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  number: 'a number',
  string: 'text',
};
const kindOf = (expected: string) => KINDS[expected] ?? expected;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Every flow collection (`[…]`, `{…}`) that is never closed, with the offset of its opener. */
function unclosedFlows(text: string): { offset: number; open: string }[] {
  const out: { offset: number; open: string }[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const t of [item.key, item.value]) {
        if (t?.type !== 'flow-collection') continue;
        const close = t.start.source === '[' ? ']' : '}';
        if (!t.end.some((e) => e.source === close)) out.push({ offset: t.offset, open: t.start.source });
      }
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}
