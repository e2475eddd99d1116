import { leadWhere } from '../../domain/lead-plan.js';
import type { LeadScore } from '../../domain/scoring.js';
import { scoreLoaded, scoreRow } from '../../run/rescore.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt } from '../time-options.js';
import { printScore, scoreBody } from './score-report.js';

export interface ScoreOptions {
  lead?: string;
  explain?: boolean;
  at?: string;
}

interface Top {
  email: string;
  s: LeadScore;
  zone: string;
}

export async function scoreCommand(
  io: CliIo,
  globals: GlobalOptions,
  options: ScoreOptions,
): Promise<number> {
  return withApp(io, globals, async (app) => {
    const now = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
    const model = app.workspace.scoring;
    const source = leadSourceOf(app);
    if (options.lead) {
      const lead = await source.findByEmail(options.lead);
      if (!lead) throw new UserError(`--lead: no lead with address ${options.lead}`);
      const loaded = await source.loaded(lead);
      const body = scoreBody(model, loaded, scoreLoaded(model, loaded, now), now);
      if (globals.json) io.stdout(json(body));
      else printScore(io, body, options.explain ?? false);
      return 0;
    }
    // Rescores every lead, batch by batch, keeping the history and recording new handoffs.
    const byStage = new Map<string, number>();
    const top: Top[] = [];
    let handoffs = 0;
    for await (const batch of source.loadedBatches(2000)) {
      const rows = batch.map((lead) => {
        const s = scoreLoaded(model, lead, now);
        byStage.set(s.stage, (byStage.get(s.stage) ?? 0) + 1);
        keepTop(top, { email: lead.state.profile.email, s, zone: leadWhere(lead.state.profile, app.workspace.policy).zone });
        return scoreRow(model, lead.state.profile.id, s, lead.state.events, now);
      });
      handoffs += (await source.recordScores(rows, now, { cause: 'score', minDelta: 1 })).handoffs;
    }
    const stages = Object.fromEntries([...byStage.entries()].sort());
    const leads = top.map((t) => ({
      lead: t.email,
      score: t.s.score,
      fit: t.s.fit,
      engagement: t.s.engagement,
      stage: t.s.stage,
    }));
    if (globals.json) {
      io.stdout(json({ at: new Date(now).toISOString(), stages, handoffs, top: leads }));
      return 0;
    }
    io.stdout(table(['stage', 'leads'], Object.entries(stages).map(([k, v]) => [k, String(v)])));
    if (handoffs > 0) io.stdout(`\n${handoffs} lead(s) newly sales-ready: see nurture handoff`);
    io.stdout('\nTop leads:');
    io.stdout(
      table(
        ['lead', 'score', 'fit', 'engagement', 'stage'],
        leads.map((t) => [t.lead, String(t.score), String(t.fit), String(t.engagement), t.stage]),
      ),
    );
    return 0;
  });
}

/** Keeps the 20 highest scores; ties keep the earlier lead. */
function keepTop(top: Top[], entry: Top): void {
  if (top.length >= 20 && entry.s.score <= top[top.length - 1]!.s.score) return;
  top.push(entry);
  top.sort((a, b) => b.s.score - a.s.score);
  if (top.length > 20) top.pop();
}
