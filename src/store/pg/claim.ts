import type pg from 'pg';
import type { LoadedLead } from '../../run/loaded-leads.js';
import type { ClaimedBatch, LeadBatch, PlanRows, WrittenBatch } from '../types.js';
import { asleepInPg, loadBatchPg } from './load.js';
import { writePlanPg } from './plan-write.js';

/** A claimed batch: its row lock lives in `client`'s open transaction until commit or release. */
export class PgClaim implements ClaimedBatch {
  private done = false;
  asleep = 0;
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

  async load(limit: number, dueBy?: number): Promise<LoadedLead[]> {
    this.assertOpen();
    this.asleep = dueBy === undefined ? 0 : await asleepInPg(this.client, this.batch, dueBy);
    return loadBatchPg(this.client, this.batch, limit, dueBy);
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
