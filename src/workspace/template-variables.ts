// `hbs` is the global AST namespace declared by handlebars' own types.
type Node = hbs.AST.Node;
type Path = hbs.AST.PathExpression;

/** Variables an email may use. `lead.attributes.*` covers any imported extra column. */
export const TEMPLATE_VARIABLES = [
  'lead.email',
  'lead.firstName',
  'lead.lastName',
  'lead.company',
  'lead.jobTitle',
  'lead.industry',
  'lead.country',
  'sender.name',
  'sender.email',
  'sender.company',
  'sender.postalAddress',
  'sequence.id',
  'sequence.name',
  'step.id',
  'step.force',
  'links.unsubscribe',
  'links.confirm',
] as const;
/** Layouts also see the rendered body and the message's own fields. */
export const LAYOUT_VARIABLES = ['body', 'subject', 'preheader'] as const;
export const BUILTIN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);
const CONTEXT_CHANGING = new Set(['each', 'with']);

export interface TemplateReference {
  kind: 'variable' | 'helper' | 'partial';
  name: string;
  line: number;
  column: number;
}

/**
 * Every variable, helper and partial a template refers to, with its position. Paths inside
 * {{#each}} / {{#with}} are relative to another context and are not checked (but `@root.x` is).
 */
export function templateReferences(program: hbs.AST.Program): TemplateReference[] {
  const out: TemplateReference[] = [];
  const at = (node: Node) => ({ line: node.loc?.start.line ?? 0, column: node.loc?.start.column ?? 0 });
  const pathRef = (p: Path, nested: boolean) => {
    if (p.data) {
      if (p.original.startsWith('@root.'))
        out.push({ kind: 'variable', name: p.original.slice(6), ...at(p) });
      return;
    }
    if (nested || p.depth > 0 || p.original === 'this' || p.original.startsWith('this.')) return;
    out.push({ kind: 'variable', name: p.original, ...at(p) });
  };
  const param = (n: Node, nested: boolean) => {
    if (n.type === 'PathExpression') pathRef(n as Path, nested);
    else if (n.type === 'SubExpression') call(n as hbs.AST.SubExpression, nested);
  };
  const call = (n: { path: Node; params: Node[]; hash?: hbs.AST.Hash }, nested: boolean) => {
    const path = n.path as Path;
    const hasArgs = n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0;
    if (hasArgs || BUILTIN_HELPERS.has(path.original))
      out.push({ kind: 'helper', name: path.original, ...at(path) });
    else pathRef(path, nested);
    for (const p of n.params) param(p, nested);
    for (const pair of n.hash?.pairs ?? []) param(pair.value, nested);
  };
  const walk = (program: hbs.AST.Program | undefined, nested: boolean) => {
    for (const statement of program?.body ?? []) {
      switch (statement.type) {
        case 'MustacheStatement':
          call(statement as hbs.AST.MustacheStatement, nested);
          break;
        case 'BlockStatement': {
          const block = statement as hbs.AST.BlockStatement;
          const name = (block.path as Path).original;
          out.push({ kind: 'helper', name, ...at(block.path) });
          for (const p of block.params) param(p, nested);
          const inner = nested || CONTEXT_CHANGING.has(name);
          walk(block.program, inner);
          walk(block.inverse, nested);
          break;
        }
        case 'PartialStatement': {
          const partial = statement as hbs.AST.PartialStatement;
          const name = partial.name.type === 'PathExpression' ? (partial.name as Path).original : '';
          if (name) out.push({ kind: 'partial', name, ...at(partial) });
          break;
        }
      }
    }
  };
  walk(program, false);
  return out;
}

export function isKnownVariable(name: string, extra: readonly string[] = []): boolean {
  if (name.startsWith('lead.attributes.')) return true;
  return (TEMPLATE_VARIABLES as readonly string[]).includes(name) || extra.includes(name);
}
