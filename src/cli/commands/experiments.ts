import { isPgApp } from '../../app.js';
import { ExperimentStore } from '../../db/experiment-queries.js';
import { conclude } from '../../run/experiment-run.js';
import { forecastReader } from '../../run/forecast-reader.js';
import { experimentReadsPg } from '../../store/pg/experiments.js';
import { type ExperimentSummary, experimentSummaries } from '../../run/experiment-summary.js';
import { AUDIT_LOG } from '../../workspace/conclude.js';
import { type GlobalOptions, withApp } from '../context.js';
import { experimentDecisionsOf } from '../experiment-decisions.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt } from '../time-options.js';

/** `nurture experiments [--at ISO] [--json]`: every experiment, its arms, its decision and when it can decide. */
export async function experimentsCommand(io: CliIo, globals: GlobalOptions, options: { at?: string }): Promise<number> {
  return withApp(io, globals, async (app) => {
    const now = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
    const rules = { sequences: app.workspace.sequences, goals: app.workspace.config.goals };
    // The arms' counts and stored decisions (SQLite's store as it is, PostgreSQL's read up front,
    // as a tick reads them), and the forecast of the same database for the power forecast.
    const reads = isPgApp(app) ? await experimentReadsPg(app.store.pool, rules, now) : new ExperimentStore(app.conn.sqlite);
    const experiments = await experimentSummaries(reads, forecastReader(app), app.workspace, now);
    if (globals.json) io.stdout(json({ at: new Date(now).toISOString(), experiments }));
    else printExperiments(io, experiments);
    return 0;
  });
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

function printExperiments(io: CliIo, experiments: ExperimentSummary[]): void {
  if (experiments.length === 0) {
    io.stdout('No experiments: give a step variants (README "Experiments").');
    return;
  }
  for (const e of experiments) {
    io.stdout(`${e.sequence}/${e.step} — ${e.mode} on ${e.metric} (alpha ${e.alpha}): ${e.decision}${e.winner ? ` ${e.winner}` : ''}${e.concludedAt ? `, concluded ${e.concludedAt}` : ''}`);
    io.stdout(`  why: ${e.why}`);
    io.stdout(
      table(
        ['variant', 'sends', 'conversions', 'rate (95% CI)', 'P(best)', 'exp. loss', 'p vs control', 'share now', 'unsub', 'complaints', 'stopped'],
        e.variants.map((v) => [
          v.id,
          String(v.exposures),
          String(v.conversions),
          v.rate.rate === null ? '–' : `${pct(v.rate.rate)} (${pct(v.rate.low)}–${pct(v.rate.high)})`,
          v.probabilityBest.toFixed(2),
          pct(v.expectedLoss),
          v.pValue === undefined ? '' : v.pValue.toPrecision(2),
          pct(v.share),
          String(v.unsubscribes),
          String(v.complaints),
          v.stopped ?? '',
        ]),
      ),
    );
    io.stdout(`  power: ${e.power.text}\n`);
  }
}

/**
 * `nurture experiments conclude SEQ STEP VARIANT [--why TEXT] [--by NAME]`: the variant becomes
 * the step's content in its sequence file (comments kept), with a line in the audit log.
 */
export async function concludeCommand(
  io: CliIo,
  globals: GlobalOptions,
  sequenceId: string,
  stepId: string,
  variantId: string,
  options: { why?: string; by?: string },
): Promise<number> {
  return withApp(io, globals, async (app) => {
    const now = app.clock.now();
    const decisions = experimentDecisionsOf(app);
    const states = await decisions.states(now);
    const state = states.find((s) => s.sequence.id === sequenceId && s.step.id === stepId);
    if (!state) {
      const known = states.map((s) => s.key).join(', ') || 'none';
      throw new UserError(`no experiment on ${sequenceId}/${stepId} (experiments: ${known})`);
    }
    if (!state.variants.some((v) => v.id === variantId))
      throw new UserError(`${sequenceId}/${stepId}: no variant "${variantId}" (variants: ${state.variants.map((v) => v.id).join(', ')})`);
    const outcome = state.verdict.outcome;
    const why = options.why ?? (outcome.kind === 'winner' && outcome.variant === variantId ? outcome.why : `chosen by hand while the experiment is ${outcome.kind}: ${outcome.why}`);
    const who = options.by ?? io.env.USER ?? io.env.LOGNAME ?? 'unknown';
    // This host's copy of the file is rewritten; on PostgreSQL the other hosts plan by the decision (workspace/concluded.ts).
    conclude(app.workspace, state, variantId, who, why, now);
    await decisions.conclude(state.key, { kind: 'winner', variant: variantId, why }, now);
    const file = app.workspace.sequenceFiles.get(sequenceId)!;
    if (globals.json) io.stdout(json({ sequence: sequenceId, step: stepId, variant: variantId, file, auditLog: AUDIT_LOG, who, why }));
    else io.stdout(`${file}: step ${stepId} now sends variant ${variantId}; recorded in ${AUDIT_LOG} (${who}: ${why})`);
    return 0;
  });
}
