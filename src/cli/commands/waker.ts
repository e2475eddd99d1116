/** A pause that ends early when woken (a NOTIFY, a heartbeat) or aborted (SIGTERM). */
export class Waker {
  private wakeUp: (() => void) | undefined;

  constructor(private readonly signal?: AbortSignal) {}

  wake(): void {
    this.wakeUp?.();
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wakeUp = done;
      this.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
