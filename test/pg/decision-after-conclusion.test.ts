import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { migratePostgres } from '../../src/db/pg/migrate.js';
import { experimentReadsPg, recordConclusionPg, recordDecisionPg } from '../../src/store/pg/experiments.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';

const KEY = 'new-signups/welcome';
const T0 = Date.parse('2026-11-24T15:00:00Z');

/**
 * A tick reads the experiments' states when it starts and records the decisions it reached when
 * it ends. An `experiments conclude` by hand on another host may commit in between: the tick's
 * stale decision must not overwrite the concluded outcome, or every host whose copy of the file
 * still lists the variants folds in the tick's verdict (or none) instead of the chosen winner,
 * while the concluding host's rewritten file sends the winner: the hosts plan differently.
 */
describe.runIf(PG_TESTS)('a decision recorded after a conclusion', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('leaves the concluded outcome as concluded', async () => {
    const pool = openPool(await cluster.createDatabase('decisions'), 2);
    try {
      await migratePostgres(pool);
      // The tick's earlier decision, then the hand conclusion (host A), then the stale tick's (host B).
      await recordDecisionPg(pool, KEY, { kind: 'running', why: 'too few sends' }, T0);
      await recordConclusionPg(pool, KEY, { kind: 'winner', variant: 'b', why: 'chosen by hand' }, T0 + 1_000);
      await recordDecisionPg(pool, KEY, { kind: 'inconclusive', why: 'no difference after the horizon' }, T0 + 2_000);
      await recordDecisionPg(pool, 'other/step', { kind: 'winner', variant: 'a', why: 'clear' }, T0 + 2_000);
      const decisions = (await experimentReadsPg(pool, { sequences: [], goals: [] }, T0 + 3_000)).decisions();
      expect(decisions.get(KEY)).toEqual({ outcome: { kind: 'winner', variant: 'b', why: 'chosen by hand' }, decidedAt: T0 + 1_000, concludedAt: T0 + 1_000 });
      // A decision not concluded is still recorded and replaced as before.
      await recordDecisionPg(pool, 'other/step', { kind: 'stopped', variants: ['b'], why: 'guardrail' }, T0 + 4_000);
      const later = (await experimentReadsPg(pool, { sequences: [], goals: [] }, T0 + 5_000)).decisions();
      expect(later.get('other/step')).toEqual({ outcome: { kind: 'stopped', variants: ['b'], why: 'guardrail' }, decidedAt: T0 + 4_000, concludedAt: null });
    } finally {
      await pool.end();
    }
  }, 60_000);
});
