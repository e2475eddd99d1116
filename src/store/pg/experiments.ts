import type pg from 'pg';
import type { ArmCounts } from '../../db/experiment-queries.js';
import type { ExperimentMetric, ExperimentOutcome } from '../../domain/experiments/types.js';
import { experimentKey } from '../../domain/experiments/types.js';
import type { Sequence } from '../../domain/types.js';
import { goalSpecs } from '../../report/build.js';
import type { GoalSpec } from '../../report/types.js';
import { type ExperimentReads, experimentSteps } from '../../run/experiment-state.js';
import type { GoalFile } from '../../workspace/reporting-schema.js';
import { asciiLower } from './report-sql.js';

const HAS = (condition: string) => `(EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND ${condition} AND e.occurred_at <= $3))::int`;

/** ExperimentStore.armCounts on PostgreSQL (the same counts; booleans summed as integers). */
async function armCountsPg(db: pg.Pool | pg.PoolClient, sequenceId: string, stepId: string, metric: ExperimentMetric, goal: GoalSpec | undefined, now: number) {
  const goalTerm = goal
    ? `(EXISTS (SELECT 1 FROM events g WHERE g.lead_id = s.lead_id AND g.type = $4 AND g.signal <> 'machine'
         AND g.occurred_at >= s.sent_at AND g.occurred_at < s.sent_at + $5 AND g.occurred_at <= $3
         ${goal.urlContains ? `AND strpos(${asciiLower('g.url')}, $6) > 0` : ''}))::int`
    : '0';
  const params: unknown[] = [sequenceId, stepId, now];
  if (goal) params.push(goal.event, goal.withinMs, ...(goal.urlContains ? [goal.urlContains.toLowerCase()] : []));
  const { rows } = await db.query<{ id: string; exposures: number; humanClicks: number; humanOpens: number; unsubscribes: number; complaints: number; goals: number }>(
    `SELECT s.variant AS id, count(*)::int AS exposures,
       sum(${HAS("e.type = 'email_clicked' AND e.signal = 'human'")})::int AS "humanClicks",
       sum(${HAS("e.type IN ('email_opened', 'email_clicked') AND e.signal = 'human'")})::int AS "humanOpens",
       sum(${HAS("e.type = 'unsubscribed'")})::int AS unsubscribes,
       sum(${HAS("e.type = 'complained'")})::int AS complaints,
       sum(${goalTerm})::int AS goals
     FROM sends s
     WHERE s.sequence_id = $1 AND s.step_id = $2 AND s.variant IS NOT NULL AND s.status = 'sent' AND s.sent_at <= $3
     GROUP BY s.variant`,
    params,
  );
  const out = new Map<string, ArmCounts>();
  for (const r of rows) {
    const conversions = metric.kind === 'click' ? r.humanClicks : metric.kind === 'open' ? r.humanOpens : r.goals;
    out.set(r.id, { id: r.id, exposures: r.exposures, conversions, humanClicks: r.humanClicks, humanOpens: r.humanOpens, unsubscribes: r.unsubscribes, complaints: r.complaints });
  }
  return out;
}

/**
 * Every experiment's arm counts and stored decisions at `now`, read from PostgreSQL up front, as
 * the synchronous reads run/experiment-state.ts decides from (the same verdicts as on SQLite).
 */
export async function experimentReadsPg(
  db: pg.Pool | pg.PoolClient,
  rules: { sequences: readonly Sequence[]; goals: readonly GoalFile[] },
  now: number,
): Promise<ExperimentReads> {
  const goals = goalSpecs(rules.goals);
  const counts = new Map<string, Map<string, ArmCounts>>();
  for (const { sequence, step } of experimentSteps(rules.sequences)) {
    const metric = step.experiment!.metric;
    const goal = metric.kind === 'goal' ? goals.find((g) => g.id === (metric as { goal: string }).goal) : undefined;
    counts.set(experimentKey(sequence.id, step.id), await armCountsPg(db, sequence.id, step.id, metric, goal, now));
  }
  const { rows } = await db.query<{ experiment: string; outcome: string; decidedAt: number; concludedAt: number | null }>(
    'SELECT experiment, outcome, decided_at AS "decidedAt", concluded_at AS "concludedAt" FROM experiment_decisions',
  );
  const decisions = new Map(
    rows.map((r) => [r.experiment, { outcome: JSON.parse(r.outcome) as ExperimentOutcome, decidedAt: r.decidedAt, concludedAt: r.concludedAt }]),
  );
  return {
    armCounts: (sequenceId, stepId) => counts.get(experimentKey(sequenceId, stepId)) ?? new Map(),
    decisions: () => decisions,
  };
}

/**
 * ExperimentStore.recordDecision on PostgreSQL (a tick's). A concluded decision is kept as it is:
 * a tick read its states before a conclusion on another host committed, and its stale verdict
 * would otherwise replace the winner every host plans by (workspace/concluded.ts).
 */
export async function recordDecisionPg(db: pg.Pool, experiment: string, outcome: ExperimentOutcome, at: number): Promise<void> {
  await db.query(
    `INSERT INTO experiment_decisions (experiment, outcome, decided_at) VALUES ($1, $2, $3)
     ON CONFLICT (experiment) DO UPDATE SET outcome = excluded.outcome, decided_at = excluded.decided_at
       WHERE experiment_decisions.concluded_at IS NULL`,
    [experiment, JSON.stringify(outcome), at],
  );
}

/**
 * Marks a decided experiment concluded unless it already is: of several processes (hosts) trying
 * at once, exactly one gets true, and only it rewrites its copy of the sequence file.
 */
export async function claimConclusionPg(db: pg.Pool, experiment: string, at: number): Promise<boolean> {
  const result = await db.query('UPDATE experiment_decisions SET concluded_at = $2 WHERE experiment = $1 AND concluded_at IS NULL', [experiment, at]);
  return (result.rowCount ?? 0) === 1;
}

/** ExperimentStore.recordDecision and markConcluded on PostgreSQL, in one statement: `experiments conclude` by hand. */
export async function recordConclusionPg(db: pg.Pool, experiment: string, outcome: ExperimentOutcome, at: number): Promise<void> {
  await db.query(
    `INSERT INTO experiment_decisions (experiment, outcome, decided_at, concluded_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (experiment) DO UPDATE SET outcome = excluded.outcome, decided_at = excluded.decided_at, concluded_at = excluded.concluded_at`,
    [experiment, JSON.stringify(outcome), at],
  );
}
