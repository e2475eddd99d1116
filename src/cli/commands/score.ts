import { leadWhere } from '../../domain/lead-plan.js';
import { type LeadScore, scoreLead } from '../../domain/scoring.js';
import { leadBatches } from '../../run/context.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt } from '../time-options.js';

export interface ScoreOptions {
  lead?: string;
  explain?: boolean;
  at?: string;
}

const NEXT_STAGE: Record<string, [string, keyof LeadScoreThresholds] | undefined> = {
  unqualified: ['awareness', 'awareness'],
  awareness: ['interest', 'interest'],
  interest: ['desire', 'desire'],
  desire: ['sales-ready', 'action'],
};
type LeadScoreThresholds = { awareness: number; interest: number; desire: number; action: number };

export async function scoreCommand(
  io: CliIo,
  globals: GlobalOptions,
  options: ScoreOptions,
): Promise<number> {
  return withApp(io, globals, (app) => {
    const now = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
    if (options.lead) {
      const lead = app.stores.leads.findByEmail(options.lead);
      if (!lead) throw new UserError(`--lead: no lead with address ${options.lead}`);
      const s = scoreLead(app.workspace.scoring, lead, app.stores.events.forLead(lead.id), now);
      const next = NEXT_STAGE[s.stage];
      const toNext = next
        ? { stage: next[0], points: round2(app.workspace.scoring.stages[next[1]] - s.score) }
        : null;
      const body = {
        lead: lead.email,
        at: new Date(now).toISOString(),
        score: s.score,
        fit: s.fit,
        engagement: s.engagement,
        stage: s.stage,
        nextStage: toNext,
        contributions: s.contributions,
      };
      if (globals.json) io.stdout(json(body));
      else printOne(io, body, s, options.explain ?? false);
      return 0;
    }
    const byStage = new Map<string, number>();
    const top: { email: string; s: LeadScore; zone: string }[] = [];
    const rows: { id: number; score: number; fit: number; engagement: number; stage: string }[] = [];
    for (const batch of leadBatches(app.stores, 2000)) {
      for (const { state } of batch) {
        const s = scoreLead(app.workspace.scoring, state.profile, state.events, now);
        rows.push({
          id: state.profile.id,
          score: s.score,
          fit: s.fit,
          engagement: s.engagement,
          stage: s.stage,
        });
        byStage.set(s.stage, (byStage.get(s.stage) ?? 0) + 1);
        top.push({
          email: state.profile.email,
          s,
          zone: leadWhere(state.profile, app.workspace.policy).zone,
        });
        top.sort((a, b) => b.s.score - a.s.score);
        if (top.length > 20) top.pop();
      }
      app.stores.leads.saveScores(rows.splice(0), now);
    }
    const stages = Object.fromEntries([...byStage.entries()].sort());
    if (globals.json) {
      io.stdout(
        json({
          at: new Date(now).toISOString(),
          stages,
          top: top.map((t) => ({
            lead: t.email,
            score: t.s.score,
            fit: t.s.fit,
            engagement: t.s.engagement,
            stage: t.s.stage,
          })),
        }),
      );
      return 0;
    }
    io.stdout(
      table(
        ['stage', 'leads'],
        Object.entries(stages).map(([k, v]) => [k, String(v)]),
      ),
    );
    io.stdout('\nTop leads:');
    io.stdout(
      table(
        ['lead', 'score', 'fit', 'engagement', 'stage'],
        top.map((t) => [t.email, String(t.s.score), String(t.s.fit), String(t.s.engagement), t.s.stage]),
      ),
    );
    return 0;
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function printOne(
  io: CliIo,
  body: {
    lead: string;
    score: number;
    fit: number;
    engagement: number;
    stage: string;
    nextStage: { stage: string; points: number } | null;
  },
  s: LeadScore,
  explain: boolean,
): void {
  io.stdout(
    `${body.lead}: score ${body.score} (fit ${body.fit}, engagement ${body.engagement}), stage ${body.stage}`,
  );
  if (body.nextStage) io.stdout(`${body.nextStage.points} points to ${body.nextStage.stage}`);
  if (!explain) return;
  io.stdout('');
  io.stdout(
    table(
      ['rule', 'kind', 'times', 'raw', 'points'],
      s.contributions.map((c) => [
        c.rule,
        c.kind,
        String(c.occurrences),
        String(c.rawPoints),
        String(c.points),
      ]),
    ),
  );
}
