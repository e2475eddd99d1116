import { FORCES, type Force } from '../domain/types.js';
import { approxWaitMs, parseWait } from '../domain/waits.js';
import { pathWarnings } from './conditions/paths.js';
import type { Workspace } from './load.js';
import { literalWebhookSecrets } from './webhooks-schema.js';

export interface ForceCoverage {
  sequence: string;
  steps: number;
  forces: Record<Force, number>;
  order: Force[];
}

export interface LintWarning {
  file: string;
  line?: number;
  message: string;
}

/**
 * Advice on a valid workspace: every sequence should do all four jobs (push, pull, habit,
 * anxiety), open with the pain rather than the reassurance, and not plan waits that the
 * frequency rules will always override.
 */
export function lintWorkspace(workspace: Workspace): { coverage: ForceCoverage[]; warnings: LintWarning[] } {
  const warnings: LintWarning[] = [];
  const coverage = workspace.sequences.map((s) => {
    const forces = Object.fromEntries(FORCES.map((f) => [f, 0])) as Record<Force, number>;
    for (const step of s.steps) forces[step.force]++;
    return { sequence: s.id, steps: s.steps.length, forces, order: s.steps.map((st) => st.force) };
  });
  for (const c of coverage) {
    const file = workspace.sequenceFiles.get(c.sequence) ?? c.sequence;
    const missing = FORCES.filter((f) => c.forces[f] === 0);
    if (missing.length > 0)
      warnings.push({
        file,
        message: `no ${missing.join(', ')} touch: a sequence should address all four forces`,
      });
    if (c.order[0] === 'anxiety')
      warnings.push({
        file,
        message: 'opens with an anxiety touch: reassure after the pain and the promise, not before',
      });
  }
  warnings.push(...cadenceWarnings(workspace));
  for (const field of literalWebhookSecrets(workspace.config.webhooks))
    warnings.push({ file: 'nurture.yaml', message: `${field} is written in the file (it lives in git): use env:NAME or file:PATH` });
  for (const s of workspace.sequences)
    for (const message of pathWarnings(s)) warnings.push({ file: workspace.sequenceFiles.get(s.id) ?? s.id, message });
  const minGap = workspace.policy.minGapMs;
  for (const s of workspace.sequences) {
    s.steps.forEach((step, i) => {
      const wait = parseWait(step.wait);
      if (i > 0 && wait && approxWaitMs(wait) < minGap) {
        warnings.push({
          file: workspace.sequenceFiles.get(s.id) ?? s.id,
          message: `steps[${i}] (${step.id}) waits ${step.wait}, less than minGap ${workspace.config.minGap}: it will always be deferred`,
        });
      }
    });
  }
  const used = new Set(workspace.sequences.flatMap((s) => s.steps.flatMap((st) => [st.template, ...(st.content ?? []).map((c) => c.template)])));
  used.add(workspace.config.confirmationTemplate);
  for (const name of workspace.templates.emails.keys()) {
    if (!used.has(name))
      warnings.push({ file: `templates/${name}.hbs`, message: 'not used by any sequence' });
  }
  const stages = new Set(workspace.sequences.flatMap((s) => s.audience.stages));
  for (const stage of ['awareness', 'interest', 'desire'] as const) {
    if (!stages.has(stage))
      warnings.push({
        file: 'sequences/',
        message: `no sequence accepts stage ${stage}: those leads are never nurtured`,
      });
  }
  return { coverage, warnings };
}

/** Pacing settings that cannot do what they say: an unknown season, a sales cycle with no tiers, a missing recycle sequence. */
function cadenceWarnings(workspace: Workspace): LintWarning[] {
  const out: LintWarning[] = [];
  const { policy } = workspace;
  for (const s of workspace.sequences) {
    const file = workspace.sequenceFiles.get(s.id) ?? s.id;
    if (s.season && !policy.seasons.some((x) => x.id === s.season))
      out.push({
        file,
        message: `season "${s.season}" is not defined in nurture.yaml seasons (known: ${policy.seasons.map((x) => x.id).join(', ') || 'none'}): the sequence is not limited`,
      });
    if (s.salesCycle && policy.salesCycles.length === 0)
      out.push({ file, message: `salesCycle ${s.salesCycle} has no effect: nurture.yaml sets salesCycles: []` });
  }
  const recycle = policy.cadence.recycle.sequence;
  if (recycle !== null && !workspace.sequences.some((s) => s.id === recycle))
    out.push({
      file: 'nurture.yaml',
      message: `cadence.recycle.sequence "${recycle}" does not exist: sunset and closed-lost leads leave nurture`,
    });
  return out;
}
