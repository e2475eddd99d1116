/**
 * Asynchronous writes that share one round trip: items added in the same turn of the event loop
 * are handed together to `flush` when the loop next reaches its check phase (as GroupedWrites
 * does for SQLite), and each settles with its own result or the group's error.
 */
export class TurnGroups<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly flush: (items: I[]) => Promise<O[]>) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    const group = this.queue;
    this.queue = [];
    try {
      const out = await this.flush(group.map((g) => g.item));
      group.forEach((g, i) => g.resolve(out[i]!));
    } catch (error) {
      for (const g of group) g.reject(error);
    }
  }
}
