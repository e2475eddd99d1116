import { experimentKey } from '../domain/experiments/types.js';
import type { Sequence } from '../domain/types.js';
import type { Workspace } from './load.js';

/**
 * A workspace with concluded experiments folded in, as `experiments conclude` would have written
 * them: the winner's template and subject become the step's, its variants and experiment go.
 *
 * Why: on PostgreSQL several hosts each have a copy of the sequence files, and exactly one of them
 * (the process that concluded) rewrites its copy. The decision in the database is what every
 * host plans by: a host whose copy still lists the variants plans, renders and digests the step as
 * the rewritten file says, so hosts agree whether or not their copy has been updated. A step whose
 * variants no longer include the winner (edited since) is left as its file says.
 *
 * `winners`: experiment key (`sequence/step`) → winning variant id, for concluded decisions only.
 */
export function withConclusions<W extends Pick<Workspace, 'sequences' | 'sequenceDefinitions'>>(workspace: W, winners: ReadonlyMap<string, string>): W {
  if (winners.size === 0) return workspace;
  let changed = false;
  const fold = <S extends { id: string; template?: string; subject?: string; variants?: { id: string; template?: string; subject?: string }[] }>(
    sequenceId: string,
    step: S,
  ): S => {
    const winner = winners.get(experimentKey(sequenceId, step.id));
    const variant = winner === undefined ? undefined : step.variants?.find((v) => v.id === winner);
    if (!variant) return step;
    changed = true;
    const { variants: _variants, experiment: _experiment, mode: _mode, ...rest } = step as S & { experiment?: unknown; mode?: unknown };
    return {
      ...rest,
      ...(variant.template ? { template: variant.template } : {}),
      ...(variant.subject ? { subject: variant.subject } : {}),
    } as S;
  };
  const sequences: Sequence[] = workspace.sequences.map((s) => ({ ...s, steps: s.steps.map((step) => fold(s.id, step)) }));
  const sequenceDefinitions = workspace.sequenceDefinitions.map((s) => ({ ...s, steps: s.steps.map((step) => fold(s.id, step)) }));
  return changed ? { ...workspace, sequences, sequenceDefinitions } : workspace;
}
