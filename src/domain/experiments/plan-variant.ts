import type { Sequence, Step } from '../types.js';
import { assignVariant } from './assign.js';
import type { Allocations, Variant } from './types.js';

type Placed = { kind: 'send'; template?: string; variant?: Variant } | { kind: 'wait'; variant?: Variant };

/**
 * The variant a planned or due touch carries: by the lead's keyed hash under this run's
 * allocation (the forecast and the run read the same one), its template replacing the step's.
 */
export function withVariant<D extends Placed>(allocations: Allocations | undefined, email: string, sequence: Sequence, step: Step, decision: D): D {
  if (!step.variants) return decision;
  const variant = assignVariant(sequence.id, step.id, step.variants, email, allocations);
  if (decision.kind === 'wait') return { ...decision, variant };
  return { ...decision, variant, ...(variant.template ? { template: variant.template } : {}) };
}
