import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
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
    const problems = doc.errors.map((e) => ({
      file,
      line: e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line,
      message: e.message.split('\n')[0] ?? e.message,
    }));
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
      return {
        file: this.file,
        line: this.lineOf(path),
        field: formatPath(path) || undefined,
        message: issue.message,
      };
    });
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
