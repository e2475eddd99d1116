import type { Database } from 'better-sqlite3';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Commits the writes asked for during one turn of the event loop together, in one transaction,
 * in the order they were asked for. A commit costs more than the few row changes a message
 * makes, and while several SMTP connections are answering, several outcomes and claims are
 * waiting at once: grouping them makes one commit of what would have been many.
 *
 * Each write is still durable before its promise settles, so "claim, then send" and "answer,
 * then record" keep their order. If the transaction fails, every write in it fails with the
 * error, and none of them is applied.
 */
export class GroupCommit {
  private queue: Queued[] = [];
  private readonly commit: (group: Queued[]) => unknown[];

  constructor(sqlite: Database) {
    this.commit = sqlite.transaction((group: Queued[]) => group.map((q) => q.work()));
  }

  write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    let results: unknown[];
    try {
      results = this.commit(group);
    } catch (error) {
      for (const q of group) q.reject(error);
      return;
    }
    group.forEach((q, i) => q.resolve(results[i]));
  }
}
