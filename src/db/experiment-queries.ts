import type { Database } from 'better-sqlite3';
import type { ArmStats, ExperimentMetric, ExperimentOutcome } from '../domain/experiments/types.js';
import type { GoalSpec } from '../report/types.js';

/** What an experiment's arms earned by `now`: sends carrying each variant, and their signals. */
export interface ArmCounts extends ArmStats {
  /** Per metric, every kind counted (the command shows clicks and opens beside the metric). */
  humanClicks: number;
  humanOpens: number;
}

const HAS = (condition: string) => `EXISTS (SELECT 1 FROM events e WHERE e.send_id = s.id AND ${condition} AND e.occurred_at <= @now)`;

/**
 * The counts behind the experiments, from the sends that carry a variant (a partial index) and
 * the events index by message: human clicks and opens (human signals only: an Apple proxy open
 * or a scanner click is no conversion), unsubscribes and complaints. A goal metric is a goal
 * event of the lead inside the goal's window after the send.
 */
export class ExperimentStore {
  constructor(private readonly sqlite: Database) {}

  armCounts(sequenceId: string, stepId: string, metric: ExperimentMetric, goal: GoalSpec | undefined, now: number): Map<string, ArmCounts> {
    const goalTerm = goal
      ? `EXISTS (SELECT 1 FROM events g WHERE g.lead_id = s.lead_id AND g.type = @event AND g.signal <> 'machine'
           AND g.occurred_at >= s.sent_at AND g.occurred_at < s.sent_at + @within AND g.occurred_at <= @now
           ${goal.urlContains ? 'AND instr(lower(g.url), @url) > 0' : ''})`
      : '0';
    const rows = this.sqlite
      .prepare(
        `SELECT s.variant AS id, count(*) AS exposures,
           sum(${HAS("e.type = 'email_clicked' AND e.signal = 'human'")}) AS humanClicks,
           sum(${HAS("e.type IN ('email_opened', 'email_clicked') AND e.signal = 'human'")}) AS humanOpens,
           sum(${HAS("e.type = 'unsubscribed'")}) AS unsubscribes,
           sum(${HAS("e.type = 'complained'")}) AS complaints,
           sum(${goalTerm}) AS goals
         FROM sends s
         WHERE s.sequence_id = @sequence AND s.step_id = @step AND s.variant IS NOT NULL AND s.status = 'sent' AND s.sent_at <= @now
         GROUP BY s.variant`,
      )
      .all({
        sequence: sequenceId,
        step: stepId,
        now,
        ...(goal ? { event: goal.event, within: goal.withinMs, ...(goal.urlContains ? { url: goal.urlContains.toLowerCase() } : {}) } : {}),
      }) as (Omit<ArmCounts, 'conversions'> & { goals: number })[];
    const out = new Map<string, ArmCounts>();
    for (const r of rows) {
      const conversions = metric.kind === 'click' ? r.humanClicks : metric.kind === 'open' ? r.humanOpens : r.goals;
      out.set(r.id, { id: r.id, exposures: r.exposures, conversions, humanClicks: r.humanClicks, humanOpens: r.humanOpens, unsubscribes: r.unsubscribes, complaints: r.complaints });
    }
    return out;
  }

  /** The decisions experiments reached, by experiment key. */
  decisions(): Map<string, { outcome: ExperimentOutcome; decidedAt: number; concludedAt: number | null }> {
    const rows = this.sqlite
      .prepare('SELECT experiment, outcome, decided_at AS decidedAt, concluded_at AS concludedAt FROM experiment_decisions')
      .all() as { experiment: string; outcome: string; decidedAt: number; concludedAt: number | null }[];
    return new Map(rows.map((r) => [r.experiment, { outcome: JSON.parse(r.outcome) as ExperimentOutcome, decidedAt: r.decidedAt, concludedAt: r.concludedAt }]));
  }

  /** Keeps a decision once reached (a winner, or variants stopped); a later one of the same experiment replaces it. */
  recordDecision(experiment: string, outcome: ExperimentOutcome, at: number): void {
    this.sqlite
      .prepare(
        `INSERT INTO experiment_decisions (experiment, outcome, decided_at) VALUES (?, ?, ?)
         ON CONFLICT (experiment) DO UPDATE SET outcome = excluded.outcome, decided_at = excluded.decided_at`,
      )
      .run(experiment, JSON.stringify(outcome), at);
  }

  markConcluded(experiment: string, at: number): void {
    this.sqlite.prepare('UPDATE experiment_decisions SET concluded_at = ? WHERE experiment = ?').run(at, experiment);
  }
}
