import { holds } from '../domain/conditions/evaluate.js';
import type { ConditionInput } from '../domain/conditions/input.js';
import { scoreLead } from '../domain/scoring.js';
import type { ScoringModel } from '../domain/scoring.js';
import { ConditionCompiler, type SegmentFiles } from '../workspace/conditions/compile.js';
import type { ReportReads } from './reads.js';

/**
 * Each lead's named segments (nurture.yaml `segments:`) as they hold at `at`: what `report --by
 * segment` groups by. Leads in no segment are left out. One streamed pass over the base, with the
 * events the conditions read and the score computed only when a segment asks for it.
 */
export async function segmentMemberships(store: Pick<ReportReads, 'leadStates'>, files: SegmentFiles, scoring: ScoringModel, at: number): Promise<Map<number, string[]>> {
  const compiler = new ConditionCompiler(files);
  const segments = Object.keys(files).map((name) => ({ name, condition: compiler.segment(name) }));
  const out = new Map<number, string[]>();
  for await (const batch of store.leadStates(2000))
    for (const state of batch) {
      let score: ReturnType<typeof scoreLead> | undefined;
      const scored = () => (score ??= scoreLead(scoring, state.profile, state.events, at, state.sends));
      const input: ConditionInput = { profile: state.profile, events: state.events, now: at, stage: () => scored().stage, score: () => scored() };
      const names = segments.filter((s) => holds(s.condition, input)).map((s) => s.name);
      if (names.length > 0) out.set(state.profile.id, names);
    }
  return out;
}
