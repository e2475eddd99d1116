import { FORCES, type Force, type Sequence } from '../../domain/types.js';

/** One way through a sequence: the steps sent, in order. */
export interface StepPath {
  sent: string[];
  forces: Set<Force>;
}

const MAX_PATHS = 512;

/**
 * Every way through a sequence's steps: a step with `when`/`unless` is sent or skipped (to its
 * `else`, or the next step), a sent step with `goto` jumps forward. Jumps only go forward (checked
 * when the workspace loads), so there are no loops and every path ends. Example: steps a, b
 * (unless: pricing visit, else: d), c, d give the paths a b c d and a d.
 */
export function sequencePaths(sequence: Sequence): { paths: StepPath[]; truncated: boolean } {
  const steps = sequence.steps;
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const paths: StepPath[] = [];
  let truncated = false;
  const walk = (i: number, sent: string[]): void => {
    if (paths.length >= MAX_PATHS) {
      truncated = true;
      return;
    }
    if (i >= steps.length) {
      paths.push({ sent, forces: new Set(sent.map((id) => steps[index.get(id)!]!.force)) });
      return;
    }
    const step = steps[i]!;
    walk(step.goto === undefined ? i + 1 : index.get(step.goto)!, [...sent, step.id]);
    if (step.when || step.unless) walk(step.else === undefined ? i + 1 : index.get(step.else)!, sent);
  };
  walk(0, []);
  return { paths, truncated };
}

/** Lint advice on the paths: a path that misses a force, a step no path sends. */
export function pathWarnings(sequence: Sequence): string[] {
  const branches = sequence.steps.some((s) => s.when || s.unless || s.goto);
  if (!branches) return [];
  const { paths, truncated } = sequencePaths(sequence);
  const out: string[] = [];
  const missing = paths
    .map((p) => ({ p, missing: FORCES.filter((f) => !p.forces.has(f)) }))
    .filter((x) => x.missing.length > 0);
  const full = FORCES.every((f) => sequence.steps.some((s) => s.force === f));
  // A sequence that misses a force outright already has its warning (lintWorkspace).
  if (full && missing.length > 0) {
    const first = missing[0]!;
    out.push(
      `${missing.length} of ${paths.length} paths miss a force, e.g. ${first.p.sent.join(' → ') || 'no step sent'} misses ${first.missing.join(', ')}`,
    );
  }
  const reached = new Set(paths.flatMap((p) => p.sent));
  for (const step of sequence.steps)
    if (!reached.has(step.id) && !truncated) out.push(`step ${step.id} is on no path: a goto or else always passes over it`);
  if (truncated) out.push(`more than ${MAX_PATHS} paths: only the first ${MAX_PATHS} were checked`);
  return out;
}
