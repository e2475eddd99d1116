import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase } from '../../db/connection.js';
import { describeLocation, resolveDatabase } from '../../db/location.js';
import { leadsByCountry } from '../../db/country-counts.js';
import { emptyCounts } from '../../db/empty-fields.js';
import { emptyValueWarnings, unguardedUses } from '../../workspace/empty-values.js';
import { holidayCoverageWarnings } from '../../workspace/holiday-coverage.js';
import { FORCES } from '../../domain/types.js';
import { complianceProblems } from '../../mail/compliance.js';
import { WorkspaceError } from '../../workspace/errors.js';
import { deliveryWarnings, readDeliveryFiles } from '../../workspace/delivery-files.js';
import { lintWorkspace } from '../../workspace/lint.js';
import { CONFIG_FILE, loadWorkspace, type Workspace } from '../../workspace/load.js';
import { overlapWarnings } from '../../domain/conditions/overlaps.js';
import { openReader } from '../../db/connection.js';
import { audienceOverlaps } from '../../run/overlaps.js';
import type { GlobalOptions } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';

export function lintCommand(io: CliIo, globals: GlobalOptions): number {
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
  result.warnings.push(...leadWarnings(io, globals, workspace));
  const overlaps = leadOverlaps(io, globals, workspace);
  if (overlaps) result.warnings.push(...overlaps.warnings);
  if (globals.json) {
    io.stdout(json({ valid: true, errors: [], ...result, ...(overlaps ? { audiences: overlaps.rows } : {}) }));
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
  if (overlaps) {
    io.stdout('\nAudiences on the current leads:');
    io.stdout(table(['sequence', 'matches', 'taken by higher priority'], overlaps.rows.map((r) => [r.sequence, String(r.matches), String(r.takenByHigher)])));
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

/** Warnings about the leads themselves (holiday data for their countries), when the database exists. */
function leadWarnings(io: CliIo, globals: GlobalOptions, workspace: Workspace) {
  const location = lintDatabase(io, globals, workspace);
  if (location.kind === 'postgres')
    return [{ file: CONFIG_FILE, message: `lead checks skipped: lint cannot read leads from PostgreSQL yet (${describeLocation(location)})` }];
  const path = location.path;
  if (!existsSync(path)) return [];
  const conn = openDatabase(path);
  try {
    const year = new Date(io.clock.now()).getUTCFullYear();
    const uses = unguardedUses(workspace.templates);
    const counts = emptyCounts(conn.sqlite, uses.map((u) => u.name));
    return [
      ...holidayCoverageWarnings(workspace, leadsByCountry(conn.sqlite), year),
      ...emptyValueWarnings(uses, counts, workspace.config.lint.emptyShare),
    ];
  } finally {
    conn.close();
  }
}

/**
 * With a database holding leads: per sequence, how many current leads its audience matches and
 * how many a higher-priority sequence takes first (a read-only pass; lint never writes).
 */
function leadOverlaps(io: CliIo, globals: GlobalOptions, workspace: Workspace) {
  const location = lintDatabase(io, globals, workspace);
  if (location.kind === 'postgres' || !existsSync(location.path)) return undefined;
  const path = location.path;
  let sqlite: ReturnType<typeof openReader>;
  try {
    sqlite = openReader(path);
  } catch {
    return undefined;
  }
  try {
    const hasLeads = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leads'").get() && sqlite.prepare('SELECT 1 FROM leads LIMIT 1').get();
    if (!hasLeads) return undefined;
    const overlaps = audienceOverlaps(sqlite, workspace, io.clock.now());
    const rows = overlaps.map((o) => ({ sequence: o.sequence, matches: o.matches, takenByHigher: o.takenByHigher }));
    const warnings = overlapWarnings(overlaps).map((w) => ({ file: workspace.sequenceFiles.get(w.sequence) ?? w.sequence, message: w.message }));
    return { rows, warnings };
  } finally {
    sqlite.close();
  }
}
