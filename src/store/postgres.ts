import type pg from 'pg';
import type { UncertainSend } from '../db/outbox.js';
import { checkConnection, openPool } from '../db/pg/connection.js';
import { writePlanPg } from './pg/plan-write.js';
import { PgClaim } from './pg/claim.js';
import { claimAndRecordPg, claimSendsPg, recordOutcomesPg, uncertainPg } from './pg/sends.js';
import { eventsForPg, failureHistoryPg, finishSharePg, leadCountPg, sendStatusPg, waitingCountPg } from './pg/tick-reads.js';
import { inTransaction } from './pg/transaction.js';
import type { ScoredEvent } from '../domain/scoring-rules.js';
import type { ProfileRow, SendTimeSignal } from '../db/send-time-counts.js';
import { sendTimeSignalsPg } from './pg/send-time.js';
import type { ExperimentOutcome } from '../domain/experiments/types.js';
import type { Sequence } from '../domain/types.js';
import type { ExperimentReads } from '../run/experiment-state.js';
import type { GoalFile } from '../workspace/reporting-schema.js';
import { claimConclusionPg, experimentReadsPg, recordDecisionPg } from './pg/experiments.js';
import { replanOfPg, saveReplanPg, sendTimeMarkPg, storedDigestPg } from './pg/plan-state.js';
import { openLastRange } from './open-range.js';
import { PgConfirmations } from './pg/confirmations.js';
import type { ClaimedBatch, FailureHistory, LeadBatch, PlanRows, SendClaim, SendOutcome, Tick, TickReplan, TickStore, WrittenBatch } from './types.js';

/**
 * The advisory-lock namespace of runs: a worker holds (RUN_LOCK_CLASS, run id) shared while it
 * plans and sends its share of a run; the next tick waits for it exclusively, so that no lead is
 * planned for the next tick while a worker still sends it this one's touches.
 */
export const RUN_LOCK_CLASS = 0x6e757276;

/** The channel a tick's elected worker notifies once its batches are laid out (the payload: the run id). */
export const TICK_CHANNEL = 'nurture_tick';

/** What a worker joining a closed run plans with: nothing is left to plan, so the mode changes nothing. */
const CLOSED_RUN: TickReplan = { mode: 'full', why: 'the run was closed', digest: '' };

/** JavaScript's largest safe integer: the upper bound of a tick's last batch, as SQLite's store uses. */
const OPEN_END = Number.MAX_SAFE_INTEGER;

/**
 * The batch store over node-postgres, for several workers on one database: ticks elected by a
 * conditional insert, batches claimed with `FOR UPDATE SKIP LOCKED` inside the transaction that
 * plans them, touches claimed before they are sent.
 */
export class PgBatchStore implements TickStore {
  readonly kind = 'postgres' as const;
  readonly confirmations: PgConfirmations;

  constructor(
    readonly pool: pg.Pool,
    private readonly ownsPool = true,
  ) {
    this.confirmations = new PgConfirmations(pool);
  }

  /** A store on its own pool; says plainly when the server cannot be reached. */
  static async open(url: string, connections = 6): Promise<PgBatchStore> {
    const pool = openPool(url, connections);
    try {
      await checkConnection(pool, url);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgBatchStore(pool);
  }

  async beginTick(tickAt: number, now: number): Promise<Tick> {
    const inserted = await this.pool.query<{ id: number }>(
      `INSERT INTO runs (at, started_at, dry_run, status, tick_at) VALUES ($1, $2, false, 'running', $1)
         ON CONFLICT (tick_at) DO NOTHING RETURNING id`,
      [tickAt, now],
    );
    if (inserted.rows.length === 1) return { runId: inserted.rows[0]!.id, tickAt, elected: true };
    const { rows } = await this.pool.query<{ id: number }>('SELECT id FROM runs WHERE tick_at = $1', [tickAt]);
    return { runId: rows[0]!.id, tickAt, elected: false };
  }

  /**
   * beginTick and layOutBatches in one transaction, with a NOTIFY on TICK_CHANNEL: a worker that
   * joins the tick finds its batches already there (a run is never seen without them, so it is
   * never closed empty), and an elected worker killed before committing leaves no run behind.
   * The elected worker decides whom the tick plans (`decide`, from the stored digest) and keeps
   * the decision with the run, so every worker of the tick plans in the same mode; the others get it back.
   */
  async electTick(
    tickAt: number,
    now: number,
    batchSize: number,
    decide: (storedDigest: string | undefined) => TickReplan,
  ): Promise<Tick & { batches: number; replan: TickReplan }> {
    return inTransaction(this.pool, async (client) => {
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO runs (at, started_at, dry_run, status, tick_at) VALUES ($1, $2, false, 'running', $1)
           ON CONFLICT (tick_at) DO NOTHING RETURNING id`,
        [tickAt, now],
      );
      if (inserted.rows.length === 0) {
        const { rows } = await client.query<{ id: number }>('SELECT id FROM runs WHERE tick_at = $1', [tickAt]);
        const runId = rows[0]!.id;
        const replan = (await replanOfPg(client, runId)) ?? CLOSED_RUN;
        return { runId, tickAt, elected: false, batches: await this.batchCount(runId, client), replan };
      }
      const runId = inserted.rows[0]!.id;
      const replan = decide(await storedDigestPg(client));
      await saveReplanPg(client, runId, replan);
      const batches = await this.layOut(client, runId, batchSize, replan.mode === 'incremental' ? tickAt : undefined);
      await client.query('SELECT pg_notify($1, $2)', [TICK_CHANNEL, String(runId)]);
      return { runId, tickAt, elected: true, batches, replan };
    });
  }

  /** The replan decision of an open run (a closed one has none left: nothing to plan). */
  async replanOf(runId: number): Promise<TickReplan> {
    return (await replanOfPg(this.pool, runId)) ?? CLOSED_RUN;
  }

  /** Holds the run's shared lock (on a connection of its own) until the returned function lets it go. */
  async holdRun(runId: number): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock_shared($1, $2)', [RUN_LOCK_CLASS, runId]);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock_shared($1, $2)', [RUN_LOCK_CLASS, runId]);
        client.release();
      } catch (error) {
        client.release(error as Error);
      }
    };
  }

  /** Waits until every worker's share of the latest run before `tickAt` is done (planned and sent). */
  async waitForEarlierRun(tickAt: number): Promise<void> {
    const { rows } = await this.pool.query<{ id: number }>('SELECT id FROM runs WHERE tick_at < $1 ORDER BY tick_at DESC LIMIT 1', [tickAt]);
    if (rows.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [RUN_LOCK_CLASS, rows[0]!.id]);
      await client.query('SELECT pg_advisory_unlock($1, $2)', [RUN_LOCK_CLASS, rows[0]!.id]);
      client.release();
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  /** A run's status ('running', 'finished', 'failed'), undefined when there is no such run. */
  async runStatus(runId: number): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId]);
    return rows[0]?.status;
  }

  /** Runs still open (a tick some worker has not finished, or one a dead worker left), oldest first. */
  async openRuns(): Promise<{ runId: number; tickAt: number }[]> {
    const { rows } = await this.pool.query<{ runId: number; tickAt: number }>(
      `SELECT id AS "runId", tick_at AS "tickAt" FROM runs WHERE status = 'running' AND tick_at IS NOT NULL ORDER BY tick_at`,
    );
    return rows;
  }

  /**
   * The same ranges as SQLite's leadRanges: every `batchSize`-th id closes a batch, and leads
   * after the last full batch form one more that reaches past the last id.
   */
  async layOutBatches(runId: number, batchSize: number, dueBy?: number): Promise<number> {
    return this.layOut(this.pool, runId, batchSize, dueBy);
  }

  private async layOut(db: pg.Pool | pg.PoolClient, runId: number, batchSize: number, dueBy?: number): Promise<number> {
    const laid = await this.batchCount(runId, db);
    if (laid > 0) return laid;
    const due = dueBy === undefined ? '' : 'WHERE wake_at <= $2';
    const { rows } = await db.query<{ id: number; n: number }>(
      `SELECT id, n FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM leads ${due}) t
        WHERE rn % $1 = 0 OR rn = n ORDER BY id`,
      dueBy === undefined ? [batchSize] : [batchSize, dueBy],
    );
    const ranges: { afterId: number; lastId: number }[] = [];
    for (const r of rows)
      ranges.push({ afterId: ranges.at(-1)?.lastId ?? 0, lastId: r.n % batchSize !== 0 && r.id === rows[rows.length - 1]!.id ? OPEN_END : r.id });
    if (dueBy !== undefined) openLastRange(ranges, ranges.length > 0 || (await this.leadCountOn(db)) > 0);
    if (ranges.length === 0) return 0;
    const ends = ranges.map((r) => r.lastId);
    const afters = ranges.map((r) => r.afterId);
    await db.query(
      `INSERT INTO run_batches (run_id, batch_no, after_id, last_id)
         SELECT $1, n - 1, a, l FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS u(a, l, n) ON CONFLICT DO NOTHING`,
      [runId, afters, ends],
    );
    return this.batchCount(runId, db);
  }

  private async leadCountOn(db: pg.Pool | pg.PoolClient): Promise<number> {
    return leadCountPg(db);
  }

  private async batchCount(runId: number, db: pg.Pool | pg.PoolClient = this.pool): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM run_batches WHERE run_id = $1', [runId]);
    return rows[0]!.n;
  }

  async claimBatch(runId: number, workerId: number | null): Promise<ClaimedBatch | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<LeadBatch>(
        `SELECT run_id AS "runId", batch_no AS "batchNo", after_id AS "afterId", last_id AS "lastId" FROM run_batches
          WHERE run_id = $1 AND status = 'pending' ORDER BY batch_no LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [runId],
      );
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        client.release();
        return undefined;
      }
      return new PgClaim(client, rows[0]!, workerId);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  async finishTick(runId: number, now: number, counts: object): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE runs SET status = 'finished', finished_at = $2, counts = $3 WHERE id = $1 AND status = 'running'
         AND NOT EXISTS (SELECT 1 FROM run_batches WHERE run_id = $1 AND status = 'pending')`,
      [runId, now, JSON.stringify(counts)],
    );
    return result.rowCount === 1;
  }

  async claimSends(claims: readonly SendClaim[], allowedConsents: readonly string[], runId: number, now: number): Promise<number[]> {
    return claimSendsPg(this.pool, claims, allowedConsents, runId, now);
  }

  async claimAndRecord(
    claims: readonly SendClaim[],
    allowedConsents: readonly string[],
    runId: number,
    now: number,
    outcomes: readonly SendOutcome[],
    at: number,
  ): Promise<number[]> {
    return claimAndRecordPg(this.pool, claims, allowedConsents, runId, now, outcomes, at);
  }

  async recordOutcomes(outcomes: readonly SendOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    await recordOutcomesPg(this.pool, outcomes, now);
  }

  async uncertain(): Promise<UncertainSend[]> {
    return uncertainPg(this.pool);
  }

  async experimentReads(rules: { sequences: readonly Sequence[]; goals: readonly GoalFile[] }, now: number): Promise<ExperimentReads> {
    return experimentReadsPg(this.pool, rules, now);
  }

  async recordDecision(experiment: string, outcome: ExperimentOutcome, at: number): Promise<void> {
    return recordDecisionPg(this.pool, experiment, outcome, at);
  }

  async claimConclusion(experiment: string, at: number): Promise<boolean> {
    return claimConclusionPg(this.pool, experiment, at);
  }

  async sendTimeSignals(now: number, profiles: boolean): Promise<{ signals: SendTimeSignal[]; profiles: ProfileRow[] }> {
    return sendTimeSignalsPg(this.pool, await sendTimeMarkPg(this.pool, now), profiles);
  }

  async writePlan(plan: Omit<PlanRows, 'leads'>, now: number, runId: number): Promise<WrittenBatch> {
    return inTransaction(this.pool, (client) => writePlanPg(client, plan, now, runId));
  }

  async eventsFor(leadIds: readonly number[]): Promise<Map<number, ScoredEvent[]>> {
    return eventsForPg(this.pool, leadIds);
  }

  async failureHistory(sendIds: readonly number[]): Promise<Map<number, FailureHistory>> {
    return failureHistoryPg(this.pool, sendIds);
  }

  async sendStatus(sendId: number): Promise<{ status: string; plannedAt: number | null } | undefined> {
    return sendStatusPg(this.pool, sendId);
  }

  async waitingCount(now: number): Promise<number> {
    return waitingCountPg(this.pool, now);
  }

  async leadCount(): Promise<number> {
    return leadCountPg(this.pool);
  }

  async finishShare(runId: number, now: number, counts: Record<string, number>): Promise<boolean> {
    return finishSharePg(this.pool, runId, now, counts);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
