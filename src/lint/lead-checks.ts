import { overlapWarnings } from '../domain/conditions/overlaps.js';
import { audienceOverlaps } from '../run/overlaps.js';
import { emptyValueWarnings, unguardedUses } from '../workspace/empty-values.js';
import { holidayCoverageWarnings } from '../workspace/holiday-coverage.js';
import type { LintWarning } from '../workspace/lint.js';
import type { Workspace } from '../workspace/load.js';
import type { LintLeadReads } from './lead-reads.js';

/** Per sequence, how many current leads its audience matches and how many a higher priority takes first. */
export interface AudienceRow {
  sequence: string;
  matches: number;
  takenByHigher: number;
}

export interface LeadCheckResult {
  /** Holiday data for the leads' countries, empty template values, then audience shadows. */
  warnings: LintWarning[];
  /** The audience counts; absent when there are no leads. */
  audiences?: AudienceRow[];
}

/** lint's checks of the leads, from whichever database answered (a read-only pass; lint never writes). */
export async function leadChecks(reads: LintLeadReads, workspace: Workspace, now: number): Promise<LeadCheckResult> {
  const year = new Date(now).getUTCFullYear();
  const uses = unguardedUses(workspace.templates);
  const counts = await reads.emptyCounts(uses.map((u) => u.name));
  const warnings = [
    ...holidayCoverageWarnings(workspace, await reads.leadsByCountry(), year),
    ...emptyValueWarnings(uses, counts, workspace.config.lint.emptyShare),
  ];
  if (!(await reads.hasLeads())) return { warnings };
  const overlaps = await audienceOverlaps(reads.leadStates(2000), workspace, now);
  for (const w of overlapWarnings(overlaps)) warnings.push({ file: workspace.sequenceFiles.get(w.sequence) ?? w.sequence, message: w.message });
  return { warnings, audiences: overlaps.map((o) => ({ sequence: o.sequence, matches: o.matches, takenByHigher: o.takenByHigher })) };
}
