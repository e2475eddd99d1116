import type { Connection } from '../db/connection.js';
import { AttemptLog } from '../db/confirmations.js';
import type { UncertainSend } from '../db/outbox.js';
import { writePlan } from '../run/batch-write.js';
import { leadRanges, leadsInRange, type Stores, storesFor } from '../run/context.js';
import type { LoadedLead } from '../run/loaded-leads.js';
import { openLastRange } from './open-range.js';
import type { BatchStore, ClaimedBatch, LeadBatch, PlanRows, SendClaim, SendOutcome, Tick, WrittenBatch } from './types.js';

interface BatchRow {
  runId: number;
  batchNo: number;
  afterId: number;
  lastId: number;
}

/**
 * The batch store over better-sqlite3: today's src/db modules (LeadStore, Outbox, writePlan)
 * behind the store interface, unchanged. SQLite has one writer, so a claimed batch is simply an
 * open `BEGIN IMMEDIATE` transaction on this connection: one claim at a time.
 */
export class SqliteBatchStore implements BatchStore {
  readonly kind = 'sqlite' as const;
  private readonly stores: Stores;
  private claimed = false;

  constructor(private readonly conn: Pick<Connection, 'sqlite' | 'close'>) {
    this.stores = storesFor(conn);
  }

  private get sqlite() {
    return this.conn.sqlite;
  }

  async beginTick(tickAt: number, now: number): Promise<Tick> {
    const inserted = this.sqlite
      .prepare(
        `INSERT INTO runs (at, started_at, dry_run, status, tick_at) VALUES (?, ?, 0, 'running', ?)
           ON CONFLICT (tick_at) DO NOTHING RETURNING id`,
      )
      .get(tickAt, now, tickAt) as { id: number } | undefined;
    if (inserted) return { runId: inserted.id, tickAt, elected: true };
    const row = this.sqlite.prepare('SELECT id FROM runs WHERE tick_at = ?').get(tickAt) as { id: number };
    return { runId: row.id, tickAt, elected: false };
  }

  async layOutBatches(runId: number, batchSize: number, dueBy?: number): Promise<number> {
    const count = this.sqlite.prepare('SELECT count(*) AS n FROM run_batches WHERE run_id = ?');
    return this.sqlite
      .transaction(() => {
        const laid = (count.get(runId) as { n: number }).n;
        if (laid > 0) return laid;
        const insert = this.sqlite.prepare(
          'INSERT INTO run_batches (run_id, batch_no, after_id, last_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        );
        const ranges = [...leadRanges(this.stores, batchSize, dueBy)];
        if (dueBy !== undefined) openLastRange(ranges, this.stores.leads.count() > 0);
        ranges.forEach((range, batchNo) => insert.run(runId, batchNo, range.afterId, range.lastId));
        return ranges.length;
      })
      .immediate();
  }

  async claimBatch(runId: number, workerId: number | null): Promise<ClaimedBatch | undefined> {
    if (this.claimed) throw new Error('SQLite store: a batch is already claimed on this connection (one writer: commit or release it first)');
    this.sqlite.exec('BEGIN IMMEDIATE');
    const row = this.sqlite
      .prepare(
        `SELECT run_id AS runId, batch_no AS batchNo, after_id AS afterId, last_id AS lastId FROM run_batches
          WHERE run_id = ? AND status = 'pending' ORDER BY batch_no LIMIT 1`,
      )
      .get(runId) as BatchRow | undefined;
    if (!row) {
      this.sqlite.exec('COMMIT');
      return undefined;
    }
    this.claimed = true;
    return new SqliteClaim(this, row, workerId);
  }

  /** @internal The claim's work, inside its transaction. */
  loadBatch(batch: LeadBatch, limit: number, dueBy?: number): LoadedLead[] {
    return leadsInRange(this.stores, batch, limit, dueBy);
  }

  /** @internal Leads of the batch's range asleep at `dueBy`. */
  asleepIn(batch: LeadBatch, dueBy: number): number {
    return this.sqlite
      .prepare('SELECT count(*) FROM leads WHERE id > ? AND id <= ? AND wake_at > ?')
      .pluck()
      .get(batch.afterId, batch.lastId, dueBy) as number;
  }

  /** @internal Writes the plan through today's writePlan, marks the batch planned and commits. */
  commitBatch(batch: LeadBatch, workerId: number | null, plan: PlanRows, now: number): WrittenBatch {
    try {
      const written = writePlan(this.stores, plan, now, batch.runId);
      this.sqlite
        .prepare(
          `UPDATE run_batches SET status = 'planned', worker_id = ?, leads = ?, planned_at = ? WHERE run_id = ? AND batch_no = ?`,
        )
        .run(workerId, plan.leads, now, batch.runId, batch.batchNo);
      this.sqlite.exec('COMMIT');
      return written;
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      throw error;
    } finally {
      this.claimed = false;
    }
  }

  /** @internal */
  releaseBatch(): void {
    if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
    this.claimed = false;
  }

  async finishTick(runId: number, now: number, counts: object): Promise<boolean> {
    const info = this.sqlite
      .prepare(
        `UPDATE runs SET status = 'finished', finished_at = ?, counts = ? WHERE id = ? AND status = 'running'
           AND NOT EXISTS (SELECT 1 FROM run_batches WHERE run_id = ? AND status = 'pending')`,
      )
      .run(now, JSON.stringify(counts), runId, runId);
    return info.changes === 1;
  }

  async claimSends(claims: readonly SendClaim[], allowedConsents: readonly string[], runId: number, now: number): Promise<number[]> {
    const { outbox } = this.stores;
    return outbox.transaction(() =>
      claims.filter((c) => outbox.claim(c.sendId, c.ref, c.leadId, allowedConsents, runId, now)).map((c) => c.sendId),
    );
  }

  async recordOutcomes(outcomes: readonly SendOutcome[], now: number): Promise<void> {
    const { outbox, leads } = this.stores;
    const attempts = new AttemptLog(this.sqlite);
    outbox.transaction(() => {
      for (const o of outcomes) {
        if (o.kind === 'released') {
          outbox.release(o.sendId, now);
          continue;
        }
        if (o.attempt) attempts.record({ sendId: o.sendId, ...o.attempt });
        if (o.kind === 'sent') outbox.markSent(o.sendId, o.messageId, o.response, now);
        else {
          outbox.markFailed(o.sendId, o.kind, o.reason, o.response, now, o.retryAt);
          if (o.suppress) leads.suppress(o.suppress.leadId, 'bounced', o.suppress.at, o.suppress.evidence, now);
        }
      }
    });
  }

  async uncertain(): Promise<UncertainSend[]> {
    return this.stores.outbox.uncertain();
  }

  async close(): Promise<void> {
    if (this.claimed) this.releaseBatch();
    this.conn.close();
  }
}

class SqliteClaim implements ClaimedBatch {
  private done = false;
  asleep = 0;

  constructor(
    private readonly store: SqliteBatchStore,
    readonly batch: LeadBatch,
    private readonly workerId: number | null,
  ) {}

  async load(limit: number, dueBy?: number): Promise<LoadedLead[]> {
    this.assertOpen();
    this.asleep = dueBy === undefined ? 0 : this.store.asleepIn(this.batch, dueBy);
    return this.store.loadBatch(this.batch, limit, dueBy);
  }

  async commit(plan: PlanRows, now: number): Promise<WrittenBatch> {
    this.assertOpen();
    this.done = true;
    return this.store.commitBatch(this.batch, this.workerId, plan, now);
  }

  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.store.releaseBatch();
  }

  private assertOpen(): void {
    if (this.done) throw new Error(`batch ${this.batch.batchNo} of run #${this.batch.runId} was already committed or released`);
  }
}
