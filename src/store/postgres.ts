import type pg from 'pg';
import type { UncertainSend } from '../db/outbox.js';
import { checkConnection, openPool } from '../db/pg/connection.js';
import type { LoadedLead } from '../run/loaded-leads.js';
import { loadBatchPg } from './pg/load.js';
import { writePlanPg } from './pg/plan-write.js';
import { claimSendsPg, recordOutcomesPg, uncertainPg } from './pg/sends.js';
import type { BatchStore, ClaimedBatch, LeadBatch, PlanRows, SendClaim, SendOutcome, Tick, WrittenBatch } from './types.js';

/** JavaScript's largest safe integer: the upper bound of a tick's last batch, as SQLite's store uses. */
const OPEN_END = Number.MAX_SAFE_INTEGER;

/**
 * The batch store over node-postgres, for several workers on one database: ticks elected by a
 * conditional insert, batches claimed with `FOR UPDATE SKIP LOCKED` inside the transaction that
 * plans them, touches claimed before they are sent.
 */
export class PgBatchStore implements BatchStore {
  readonly kind = 'postgres' as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool = true,
  ) {}

  /** A store on its own pool; says plainly when the server cannot be reached. */
  static async open(url: string, connections = 4): Promise<PgBatchStore> {
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
   * The same ranges as SQLite's leadRanges: every `batchSize`-th id closes a batch, and leads
   * after the last full batch form one more that reaches past the last id.
   */
  async layOutBatches(runId: number, batchSize: number): Promise<number> {
    const laid = await this.batchCount(runId);
    if (laid > 0) return laid;
    const { rows } = await this.pool.query<{ id: number; n: number }>(
      `SELECT id, n FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM leads) t
        WHERE rn % $1 = 0 OR rn = n ORDER BY id`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    const ends: number[] = [];
    for (const r of rows) ends.push(r.n % batchSize !== 0 && r.id === rows[rows.length - 1]!.id ? OPEN_END : r.id);
    const afters = [0, ...ends.slice(0, -1)];
    await this.pool.query(
      `INSERT INTO run_batches (run_id, batch_no, after_id, last_id)
         SELECT $1, n - 1, a, l FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS u(a, l, n) ON CONFLICT DO NOTHING`,
      [runId, afters, ends],
    );
    return this.batchCount(runId);
  }

  private async batchCount(runId: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM run_batches WHERE run_id = $1', [runId]);
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

  async recordOutcomes(outcomes: readonly SendOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await recordOutcomesPg(client, outcomes, now);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      client.release(error as Error);
      throw error;
    }
  }

  async uncertain(): Promise<UncertainSend[]> {
    return uncertainPg(this.pool);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}

/** A claimed batch: its row lock lives in `client`'s open transaction until commit or release. */
class PgClaim implements ClaimedBatch {
  private done = false;
  /** The connection broke while claimed (the server ended the session): the next call says so. */
  private broken: Error | undefined;
  private readonly onError = (error: Error) => {
    this.broken = error;
  };

  constructor(
    private readonly client: pg.PoolClient,
    readonly batch: LeadBatch,
    private readonly workerId: number | null,
  ) {
    client.on('error', this.onError);
  }

  /** Back to the pool: a healthy client for reuse, a failed one to be discarded. */
  private giveBack(error?: Error): void {
    const failure = error ?? this.broken;
    if (!failure) this.client.removeListener('error', this.onError);
    this.client.release(failure);
  }

  async load(limit: number): Promise<LoadedLead[]> {
    this.assertOpen();
    return loadBatchPg(this.client, this.batch, limit);
  }

  async commit(plan: PlanRows, now: number): Promise<WrittenBatch> {
    this.assertOpen();
    this.done = true;
    try {
      const written = await writePlanPg(this.client, plan, now, this.batch.runId);
      await this.client.query(
        `UPDATE run_batches SET status = 'planned', worker_id = $3, leads = $4, planned_at = $5 WHERE run_id = $1 AND batch_no = $2`,
        [this.batch.runId, this.batch.batchNo, this.workerId, plan.leads, now],
      );
      await this.client.query('COMMIT');
      this.giveBack();
      return written;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => {});
      this.giveBack(error as Error);
      throw error;
    }
  }

  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.client.query('ROLLBACK');
      this.giveBack();
    } catch (error) {
      this.giveBack(error as Error);
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.done) throw new Error(`batch ${this.batch.batchNo} of run #${this.batch.runId} was already committed or released`);
  }
}
