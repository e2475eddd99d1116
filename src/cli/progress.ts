import { SingleBar } from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

const silent: Progress = { update: () => {}, stop: () => {} };

/** A progress bar on stderr when the terminal is interactive and output is for people. */
export function progress(io: CliIo, label: string, total: number, jsonOutput: boolean): Progress {
  if (!io.interactive || jsonOutput) return silent;
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} ({percentage}%) eta {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal !== total) bar.setTotal((total = newTotal));
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}
