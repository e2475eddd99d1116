import type { LeadScore, ScoringModel } from '../../domain/scoring.js';
import { distanceToNextStage, salesReadyReason } from '../../domain/stages.js';
import type { LoadedLead } from '../../run/context.js';
import type { CliIo } from '../io.js';
import { table } from '../output.js';

/** One lead's score as `score --lead` and `explain` print it: every part adds up to the score. */
export function scoreBody(model: ScoringModel, lead: LoadedLead, s: LeadScore, now: number) {
  const fired = new Set(s.contributions.map((c) => c.rule));
  return {
    lead: lead.state.profile.email,
    at: new Date(now).toISOString(),
    score: s.score,
    fit: s.fit,
    engagement: s.engagement,
    stage: s.stage,
    nextStage: distanceToNextStage(model.stages, s.stage, s.score),
    salesReadyReason:
      s.stage === 'sales-ready' ? salesReadyReason(model.stages, s.score, lead.state.events, now) : null,
    contributions: s.contributions.map((c) => ({
      rule: c.rule,
      kind: c.kind,
      occurrences: c.occurrences,
      rawPoints: c.rawPoints,
      points: c.points,
    })),
    notFired: [...model.fit, ...model.engagement].map((r) => r.id).filter((id) => !fired.has(id)),
  };
}

export type ScoreBody = ReturnType<typeof scoreBody>;

/** The human form: headline, distance to the next stage, and with `explain` every rule's raw and decayed points. */
export function printScore(io: CliIo, body: ScoreBody, explain: boolean): void {
  io.stdout(
    `${body.lead}: score ${body.score} (fit ${body.fit}, engagement ${body.engagement}), stage ${body.stage}`,
  );
  if (body.nextStage) io.stdout(`${body.nextStage.points} points to ${body.nextStage.stage}`);
  if (body.salesReadyReason) io.stdout(`sales-ready: ${body.salesReadyReason}`);
  if (!explain) return;
  io.stdout('');
  io.stdout(
    table(
      ['rule', 'kind', 'times', 'raw', 'decayed'],
      body.contributions.map((c) => [
        c.rule,
        c.kind,
        String(c.occurrences),
        String(c.rawPoints),
        String(c.points),
      ]),
    ),
  );
  io.stdout(`\nfit ${body.fit} + engagement ${body.engagement} = score ${body.score}`);
  if (body.notFired.length > 0) io.stdout(`rules that did not fire: ${body.notFired.join(', ')}`);
}
