import { hostname } from 'node:os';
import type { Database } from 'better-sqlite3';

/** How every lock refusal begins, so a caller that only sees the message can tell it apart. */
export const RUN_LOCKED_PREFIX = 'another run (#';

interface LockHolder {
  runId: number;
  pid: number;
  host: string;
  acquiredAt: number;
}

export class RunLockedError extends Error {
  constructor(readonly holder: LockHolder) {
    super(
      `${RUN_LOCKED_PREFIX}${holder.runId}, pid ${holder.pid} on ${holder.host}, started ${new Date(holder.acquiredAt).toISOString()}) ` +
        'is using this database; wait for it to finish',
    );
    this.name = 'RunLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder that was a process on this host which no longer exists (kill -9): its lock is stale. */
function isDead(holder: LockHolder): boolean {
  return holder.host === hostname() && !processAlive(holder.pid);
}

export class RunStore {
  constructor(private readonly sqlite: Database) {}

  start(at: number, startedAt: number, dryRun: boolean): number {
    return Number(
      this.sqlite
        .prepare(`INSERT INTO runs (at, started_at, dry_run, status) VALUES (?, ?, ?, 'running')`)
        .run(at, startedAt, dryRun ? 1 : 0).lastInsertRowid,
    );
  }

  finish(runId: number, finishedAt: number, counts: object, error?: string): void {
    this.sqlite
      .prepare('UPDATE runs SET status = ?, finished_at = ?, counts = ?, error = ? WHERE id = ?')
      .run(error ? 'failed' : 'finished', finishedAt, JSON.stringify(counts), error ?? null, runId);
  }

  /**
   * Takes the run lock inside an immediate transaction. A lock left by a process that no longer
   * exists on this host (kill -9) is taken over; a live holder makes the second run refuse.
   */
  acquireLock(runId: number, now: number): void {
    this.sqlite
      .transaction(() => {
        const holder = this.lockHolder();
        if (holder && !isDead(holder)) throw new RunLockedError(holder);
        // The dead holder's run never finished: say so, rather than leave it 'running' forever.
        if (holder)
          this.sqlite
            .prepare(`UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`)
            .run(now, `process ${holder.pid} died mid-run; lock taken over by run #${runId}`, holder.runId);
        this.sqlite
          .prepare(
            'INSERT OR REPLACE INTO run_lock (id, run_id, pid, host, acquired_at) VALUES (1, ?, ?, ?, ?)',
          )
          .run(runId, process.pid, hostname(), now);
      })
      .immediate();
  }

  /**
   * Throws RunLockedError while a live run holds the lock. Call it inside an immediate
   * transaction, so that no run can start between the check and the caller's writes.
   */
  assertNoLiveRun(): void {
    const holder = this.lockHolder();
    if (holder && !isDead(holder)) throw new RunLockedError(holder);
  }

  private lockHolder(): LockHolder | undefined {
    return this.sqlite
      .prepare('SELECT run_id AS runId, pid, host, acquired_at AS acquiredAt FROM run_lock WHERE id = 1')
      .get() as LockHolder | undefined;
  }

  releaseLock(runId: number): void {
    this.sqlite.prepare('DELETE FROM run_lock WHERE id = 1 AND run_id = ?').run(runId);
  }
}
