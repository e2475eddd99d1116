import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { z } from 'zod';
import type { WorkspaceProblem } from './errors.js';
import {
  BUILTIN_HELPERS,
  isKnownVariable,
  LAYOUT_VARIABLES,
  templateReferences,
} from './template-variables.js';
import { YamlSource } from './yaml-source.js';

export const CUSTOM_HELPERS = ['track', 'default'] as const;

export interface EmailTemplate {
  name: string;
  file: string;
  subject: string;
  preheader: string;
  layout: string;
  body: string;
  /** Line in the file where the body starts (after the front matter). */
  bodyLine: number;
}

export interface TemplateSet {
  emails: Map<string, EmailTemplate>;
  layouts: Map<string, string>;
  partials: Map<string, string>;
}

const frontMatterSchema = z.strictObject(
  { subject: z.string().min(1), preheader: z.string().default(''), layout: z.string().default('default') },
  {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `unknown key "${i.keys[0]}" (allowed: subject, preheader, layout)`
        : undefined,
  },
);

function hbsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hbs'))
    .sort()
    .map((f) => join(dir, f));
}

export function loadTemplates(workspaceDir: string): {
  templates: TemplateSet;
  problems: WorkspaceProblem[];
} {
  const dir = join(workspaceDir, 'templates');
  const problems: WorkspaceProblem[] = [];
  const rel = (f: string) => relative(workspaceDir, f);
  const templates: TemplateSet = { emails: new Map(), layouts: new Map(), partials: new Map() };
  for (const f of hbsFiles(join(dir, 'layouts')))
    templates.layouts.set(basename(f, '.hbs'), readFileSync(f, 'utf8'));
  for (const f of hbsFiles(join(dir, 'partials')))
    templates.partials.set(basename(f, '.hbs'), readFileSync(f, 'utf8'));
  for (const f of hbsFiles(dir)) {
    const parsed = parseEmailFile(rel(f), readFileSync(f, 'utf8'), problems);
    if (parsed) templates.emails.set(parsed.name, parsed);
  }
  for (const [name, source] of templates.layouts)
    checkSource(rel(join(dir, 'layouts', `${name}.hbs`)), source, 1, templates, problems, true);
  for (const [name, source] of templates.partials)
    checkSource(rel(join(dir, 'partials', `${name}.hbs`)), source, 1, templates, problems, true);
  for (const email of templates.emails.values()) {
    checkSource(email.file, email.subject, 2, templates, problems, false, 'subject');
    checkSource(email.file, email.body, email.bodyLine, templates, problems, false);
    if (!templates.layouts.has(email.layout)) {
      problems.push({
        file: email.file,
        line: 2,
        field: 'layout',
        message: `layout "${email.layout}" not found in templates/layouts/`,
      });
    }
  }
  problems.push(...missingRequired(templates));
  return { templates, problems };
}

/** What CAN-SPAM asks of every message, checked before anything renders (the compliance render checks again). */
const REQUIRED_VARIABLES = [
  ['links.unsubscribe', 'no unsubscribe link'],
  ['sender.postalAddress', "no sender's postal address"],
] as const;

/**
 * Every email must use the required variables in its body, its layout or a partial either includes.
 * When no email on a layout has one, the layout lost it (e.g. its `{{> footer}}`): one problem there,
 * not one per email.
 */
function missingRequired(templates: TemplateSet): WorkspaceProblem[] {
  const problems: WorkspaceProblem[] = [];
  for (const [variable, what] of REQUIRED_VARIABLES) {
    const carriers = [...templates.partials.keys()].filter((p) =>
      variablesIn(`{{> ${p}}}`, templates.partials).has(variable),
    );
    const hint = carriers.length > 0 ? `, e.g. with {{> ${carriers[0]}}}` : '';
    for (const [layout, source] of templates.layouts) {
      if (variablesIn(source, templates.partials).has(variable)) continue;
      const emails = [...templates.emails.values()].filter((e) => e.layout === layout);
      const lacking = emails.filter((e) => !variablesIn(e.body, templates.partials).has(variable));
      if (lacking.length === 0) continue;
      if (lacking.length === emails.length) {
        problems.push({
          file: `templates/layouts/${layout}.hbs`,
          message: `${what}: neither this layout nor the ${emails.length} email(s) using it include {{${variable}}}${hint}`,
        });
      } else {
        for (const e of lacking)
          problems.push({
            file: e.file,
            message: `${what}: neither this email nor its layout "${layout}" include {{${variable}}}${hint}`,
          });
      }
    }
  }
  return problems;
}

/** Variables a template uses, following its partials (a template that does not parse uses none). */
function variablesIn(source: string, partials: Map<string, string>, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch {
    return out;
  }
  for (const ref of templateReferences(program)) {
    if (ref.kind === 'variable') out.add(ref.name);
    else if (ref.kind === 'partial' && partials.has(ref.name) && !seen.has(ref.name)) {
      seen.add(ref.name);
      for (const v of variablesIn(partials.get(ref.name)!, partials, seen)) out.add(v);
    }
  }
  return out;
}

function parseEmailFile(file: string, text: string, problems: WorkspaceProblem[]): EmailTemplate | undefined {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(normalized);
  if (!match) {
    problems.push({
      file,
      line: 1,
      message: 'expected front matter: a "---" line, subject: ..., and a closing "---"',
    });
    return undefined;
  }
  const { source, problems: yamlProblems } = YamlSource.parse(file, match[1]!);
  if (yamlProblems.length > 0) {
    problems.push(...yamlProblems.map((p) => ({ ...p, line: (p.line ?? 0) + 1 })));
    return undefined;
  }
  const front = frontMatterSchema.safeParse(source.value() ?? {});
  if (!front.success) {
    problems.push(...source.problemsFrom(front.error).map((p) => ({ ...p, line: (p.line ?? 0) + 1 })));
    return undefined;
  }
  return {
    name: basename(file, '.hbs'),
    file,
    ...front.data,
    body: normalized.slice(match[0].length),
    // The body starts on the line after the closing ---: one more than the newlines before it.
    bodyLine: match[0].split('\n').length,
  };
}

function checkSource(
  file: string,
  source: string,
  firstLine: number,
  templates: TemplateSet,
  problems: WorkspaceProblem[],
  isLayoutOrPartial: boolean,
  field?: string,
): void {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    const line = /line (\d+)/.exec(String(error))?.[1];
    problems.push({
      file,
      line: line ? Number(line) + firstLine - 1 : firstLine,
      field,
      message: `template syntax: ${String((error as Error).message).split('\n')[0]}`,
    });
    return;
  }
  const extra = isLayoutOrPartial ? (LAYOUT_VARIABLES as readonly string[]) : [];
  for (const ref of templateReferences(program)) {
    const line = ref.line + firstLine - 1;
    if (ref.kind === 'variable' && !isKnownVariable(ref.name, extra)) {
      problems.push({
        file,
        line,
        field,
        message: `unknown template variable "${ref.name}" (known: lead.firstName, lead.company, sender.name, links.unsubscribe, … see README)`,
      });
    } else if (
      ref.kind === 'helper' &&
      !BUILTIN_HELPERS.has(ref.name) &&
      !(CUSTOM_HELPERS as readonly string[]).includes(ref.name)
    ) {
      problems.push({
        file,
        line,
        field,
        message: `unknown helper "${ref.name}" (known: ${[...BUILTIN_HELPERS, ...CUSTOM_HELPERS].join(', ')})`,
      });
    } else if (ref.kind === 'partial' && !templates.partials.has(ref.name)) {
      problems.push({ file, line, field, message: `partial "${ref.name}" not found in templates/partials/` });
    }
  }
}
