// `hbs` is the global AST namespace declared by handlebars' own types.
type Node = hbs.AST.Node;
type Path = hbs.AST.PathExpression;

/** A lead field a template prints where nothing says what to print when it is empty. */
export interface UnguardedUse {
  /** `lead.firstName`, `lead.attributes.plan`. */
  name: string;
  line: number;
}

/** Helpers whose argument is a fallback-guarded value: `{{default lead.firstName "there"}}`. */
const FALLBACK_HELPERS = new Set(['default']);
/** Blocks whose condition guards the same value inside them (both branches: the else is chosen when empty). */
const GUARD_BLOCKS = new Set(['if', 'unless', 'with']);

/**
 * The `lead.*` values a template prints unguarded: outside an `{{#if}}`/`{{#unless}}`/`{{#with}}`
 * on that same value, and not as the value of `{{default}}`. Only lead fields matter: the sender,
 * sequence and links are the workspace's own and never empty. Values inside `{{#each}}` are
 * relative to another context and left alone, as templateReferences does.
 */
export function unguardedLeadValues(program: hbs.AST.Program): UnguardedUse[] {
  const out: UnguardedUse[] = [];
  const leadPath = (n: Node): string | undefined => {
    if (n.type !== 'PathExpression') return undefined;
    const p = n as Path;
    const name = p.data && p.original.startsWith('@root.') ? p.original.slice(6) : p.data || p.depth > 0 ? '' : p.original;
    return name.startsWith('lead.') ? name : undefined;
  };
  const use = (n: Node, guarded: ReadonlySet<string>) => {
    const name = leadPath(n);
    if (name && !guarded.has(name)) out.push({ name, line: n.loc?.start.line ?? 0 });
  };
  const call = (n: { path: Node; params: Node[]; hash?: hbs.AST.Hash }, guarded: ReadonlySet<string>) => {
    const helper = (n.path as Path).original;
    if (n.params.length === 0 && (n.hash?.pairs.length ?? 0) === 0) return use(n.path, guarded);
    // A helper's arguments are printed through it: only the fallback helper's first one is guarded.
    n.params.forEach((p, i) => {
      if (FALLBACK_HELPERS.has(helper) && i === 0) return;
      if (p.type === 'SubExpression') call(p as hbs.AST.SubExpression, guarded);
      else if (helper !== 'track') use(p, guarded);
    });
  };
  const walk = (program: hbs.AST.Program | undefined, guarded: ReadonlySet<string>) => {
    for (const statement of program?.body ?? []) {
      if (statement.type === 'MustacheStatement') call(statement as hbs.AST.MustacheStatement, guarded);
      else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        const name = (block.path as Path).original;
        if (name === 'each') continue;
        const condition = block.params[0] ? leadPath(block.params[0]) : undefined;
        const inner = GUARD_BLOCKS.has(name) && condition ? new Set([...guarded, condition]) : guarded;
        walk(block.program, inner);
        walk(block.inverse, inner);
      }
    }
  };
  walk(program, new Set());
  return out;
}
