import Handlebars from 'handlebars';
import type { LintWarning } from './lint.js';
import { unguardedLeadValues } from './template-guards.js';
import type { TemplateSet } from './templates.js';

/** One place a template prints a lead value unguarded, at its line in its file. */
export interface TemplateUse {
  file: string;
  line: number;
  name: string;
}

/** Every unguarded `lead.*` value in the emails (subject and body), partials and layouts. */
export function unguardedUses(templates: TemplateSet): TemplateUse[] {
  const out: TemplateUse[] = [];
  const scan = (file: string, source: string, firstLine: number) => {
    let program: hbs.AST.Program;
    try {
      program = Handlebars.parse(source);
    } catch {
      return; // a syntax error is the workspace loader's to report
    }
    for (const use of unguardedLeadValues(program)) out.push({ file, line: firstLine + use.line - 1, name: use.name });
  };
  for (const email of templates.emails.values()) {
    scan(email.file, email.subject, 2);
    scan(email.file, email.body, email.bodyLine);
  }
  for (const [name, source] of templates.partials) scan(`templates/partials/${name}.hbs`, source, 1);
  for (const [name, source] of templates.layouts) scan(`templates/layouts/${name}.hbs`, source, 1);
  return out;
}

const percent = (n: number) => `${Math.round(n * 100)}%`;

/**
 * A warning for each unguarded use of a value that is empty for more than `share` of the current
 * leads: the mail would read "Hi ," for them. Counts come from the database (db/empty-fields.ts).
 */
export function emptyValueWarnings(
  uses: readonly TemplateUse[],
  counts: ReadonlyMap<string, { empty: number; leads: number }>,
  share: number,
): LintWarning[] {
  const warnings: LintWarning[] = [];
  for (const use of uses) {
    const count = counts.get(use.name);
    if (!count || count.leads === 0 || count.empty / count.leads <= share) continue;
    warnings.push({
      file: use.file,
      line: use.line,
      message:
        `{{${use.name}}} is empty for ${percent(count.empty / count.leads)} of the current leads (${count.empty} of ${count.leads}, over lint.emptyShare ${percent(share)}) ` +
        `and not guarded: write {{default ${use.name} "…"}} or wrap it in {{#if ${use.name}}}`,
    });
  }
  return warnings;
}
