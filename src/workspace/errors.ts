/** A problem in a workspace file, located to the line and field it concerns. */
export interface WorkspaceProblem {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

export function formatProblem(p: WorkspaceProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}

/** Thrown when the workspace cannot be used; carries every problem found, not just the first. */
export class WorkspaceError extends Error {
  constructor(readonly problems: WorkspaceProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'WorkspaceError';
  }
}
