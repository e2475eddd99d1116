import { resolve } from 'node:path';
import { resolveDatabase } from '../../db/location.js';
import { leadCheckResult } from '../../lint/lead-source.js';
import { FORCES } from '../../domain/types.js';
import { complianceProblems } from '../../mail/compliance.js';
import { WorkspaceError } from '../../workspace/errors.js';
import { deliveryWarnings, readDeliveryFiles } from '../../workspace/delivery-files.js';
import { lintWorkspace } from '../../workspace/lint.js';
import { loadWorkspace, type Workspace } from '../../workspace/load.js';
import type { GlobalOptions } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';

export async function lintCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  let workspace: Workspace;
  try {
    workspace = loadWorkspace(resolve(io.cwd, globals.workspace ?? '.'));
    const problems = [...complianceProblems(workspace), ...readDeliveryFiles(workspace).problems];
    if (problems.length > 0) throw new WorkspaceError(problems);
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    if (globals.json) {
      io.stdout(json({ valid: false, errors: error.problems, warnings: [], coverage: [] }));
      return 1;
    }
    throw new UserError(`invalid workspace:\n${error.message}`);
  }
  const result = lintWorkspace(workspace);
  result.warnings.push(...deliveryWarnings(workspace, io.env));
  const leads = await leadCheckResult(lintDatabase(io, globals, workspace), workspace, io.clock.now());
  result.warnings.push(...leads.warnings);
  const audiences = leads.audiences;
  if (globals.json) {
    io.stdout(json({ valid: true, errors: [], ...result, ...(audiences ? { audiences } : {}) }));
    return 0;
  }
  io.stdout(
    table(
      ['sequence', 'steps', ...FORCES, 'order'],
      result.coverage.map((c) => [
        c.sequence,
        String(c.steps),
        ...FORCES.map((f) => String(c.forces[f])),
        c.order.join(' → '),
      ]),
    ),
  );
  if (audiences) {
    io.stdout('\nAudiences on the current leads:');
    io.stdout(table(['sequence', 'matches', 'taken by higher priority'], audiences.map((r) => [r.sequence, String(r.matches), String(r.takenByHigher)])));
  }
  io.stdout('');
  if (result.warnings.length === 0) io.stdout('workspace is valid; no warnings');
  else {
    io.stdout(`workspace is valid; ${result.warnings.length} warning(s):`);
    for (const w of result.warnings) io.stdout(`  ${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
  }
  return 0;
}

/** The database lint reads leads from, chosen as every command chooses it. */
function lintDatabase(io: CliIo, globals: GlobalOptions, workspace: Workspace) {
  return resolveDatabase({ flag: globals.db, cwd: io.cwd, env: io.env, configured: workspace.config.database, workspaceDir: workspace.dir })
    .location;
}
