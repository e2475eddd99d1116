import { advanceLead, leadWhere } from '../domain/lead-plan.js';
import { type NoMailReason, whyNoMail } from '../domain/why-no-mail.js';
import { type LoadedLead, planContext, type PlanRules } from './context.js';

/**
 * Why one lead gets no mail at `now`: the planner's decision for it (on a copy of its state, as
 * the run would take it) explained by the domain's `whyNoMail`. Explain, `leads show` and the
 * lead page all ask here, so they say what the run and the forecast do.
 */
export function leadNoMail(
  rules: PlanRules,
  loaded: LoadedLead,
  now: number,
  suppression?: { reason: string; at: number | null },
): NoMailReason | undefined {
  const ctx = planContext(rules);
  const state = structuredClone(loaded.state);
  const { outcome, score } = advanceLead(ctx, state, now);
  const zone = leadWhere(state.profile, ctx.policy).zone;
  return whyNoMail({ ctx, state, now, outcome, score: score.score, zone, suppression });
}
