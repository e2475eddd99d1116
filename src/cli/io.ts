import type { Clock } from '../time/clock.js';

/** Everything a command may touch of the outside world, so tests can drive the CLI in process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  clock: Clock;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Progress bars only when a person is watching. */
  interactive: boolean;
  /** Aborted on SIGTERM/SIGINT: long-running commands (serve, worker) finish what is in flight and return. */
  signal?: AbortSignal;
}

/** A bad input or an invalid workspace: exit 1 with a message that says what and where. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
