import { type App, isPgApp, type PgApp } from '../app.js';
import { ExperimentStore } from '../db/experiment-queries.js';
import type { ExperimentOutcome } from '../domain/experiments/types.js';
import { type ExperimentState, experimentStates } from '../run/experiment-state.js';
import { experimentReadsPg, recordConclusionPg } from '../store/pg/experiments.js';

/** What `experiments conclude` asks of the database: the experiments' states, and keeping a conclusion. */
export interface ExperimentDecisions {
  states(now: number): Promise<ExperimentState[]>;
  /** The decision, marked concluded at `at`: every host plans the step as the winner from the next run on. */
  conclude(experiment: string, outcome: ExperimentOutcome, at: number): Promise<void>;
}

export function experimentDecisionsOf(app: App | PgApp): ExperimentDecisions {
  const rules = { sequences: app.workspace.sequences, goals: app.workspace.config.goals };
  if (isPgApp(app)) {
    const pool = app.store.pool;
    return {
      states: async (now) => experimentStates(await experimentReadsPg(pool, rules, now), rules, now),
      conclude: (experiment, outcome, at) => recordConclusionPg(pool, experiment, outcome, at),
    };
  }
  const sqlite = app.conn.sqlite;
  return {
    states: async (now) => experimentStates(sqlite, rules, now),
    async conclude(experiment, outcome, at) {
      const store = new ExperimentStore(sqlite);
      store.recordDecision(experiment, outcome, at);
      store.markConcluded(experiment, at);
    },
  };
}
