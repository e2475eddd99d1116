import type { Database } from 'better-sqlite3';

interface QueuedWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Small writes that share a commit. Each is queued and settles once the transaction holding it has
 * committed; the queue is flushed when the event loop next reaches its check phase, by which time
 * every SMTP reply read in this turn has queued its write. So a busy run commits once per turn
 * rather than once per message (the WAL gets one copy of the pages several writes touch), and
 * a caller that awaits its write still knows it is on disk before going on.
 *
 * Each write runs in its own savepoint: one that throws is rolled back and rejected alone.
 */
export class GroupedWrites {
  private queue: QueuedWrite[] = [];

  constructor(private readonly sqlite: Database) {}

  write<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    const outcomes: (() => void)[] = [];
    try {
      this.sqlite.transaction(() => {
        for (const queued of queue) {
          try {
            const value = this.sqlite.transaction(queued.write)();
            outcomes.push(() => queued.resolve(value));
          } catch (error) {
            // Some errors (disk full, I/O, a trigger's RAISE(ROLLBACK)) end the whole transaction,
            // not just the savepoint: then nothing of the group is written, and no write after it
            // may run on its own outside the transaction.
            if (!this.sqlite.inTransaction) throw error;
            outcomes.push(() => queued.reject(error));
          }
        }
      })();
    } catch (error) {
      // The group's transaction failed: nothing of it was written.
      for (const queued of queue) queued.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }
}
