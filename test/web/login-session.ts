import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import type { TestClock } from '../../src/time/clock.js';

/** The Cookie header a browser sends after these Set-Cookie lines (name=value of each). */
export function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

export interface LoggedIn {
  /** The Cookie header of the session. */
  cookie: string;
  /** Its CSRF token (the value of the nurture_csrf cookie). */
  csrf: string;
}

/** Opens a one-time login URL as a browser does, and keeps the session's cookies. */
export async function logIn(loginUrl: string): Promise<LoggedIn> {
  const response = await fetch(loginUrl, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = cookieHeader(response);
  const csrf = /(?:^|; )(?:__Host-)?nurture_csrf=([^;]+)/.exec(cookie)?.[1];
  if (!csrf) throw new Error(`no CSRF cookie in ${cookie}`);
  return { cookie, csrf };
}

export interface RunningServe {
  /** http://127.0.0.1:PORT */
  base: string;
  /** The one-time login URL printed at start. */
  loginUrl: string;
  /** Every line printed so far. */
  lines: string[];
  /** Resolves with the next line printed that matches. */
  nextLine(pattern: RegExp): Promise<string>;
  /** Ctrl-C: resolves with the exit status. */
  stop(): Promise<number>;
}

/**
 * `nurture serve --port 0` in process, as a user starts it: resolves once it has printed its
 * login URL. Waits on what it prints, never on a sleep.
 */
export async function startServe(dir: string, clock: TestClock, env: Record<string, string> = {}): Promise<RunningServe> {
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const controller = new AbortController();
  const io: CliIo = {
    stdout: (text) => {
      for (const line of text.split('\n')) {
        lines.push(line);
        for (const w of waiting.filter((w) => w.pattern.test(line))) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(line);
        }
      }
    },
    stderr: (text) => lines.push(text),
    clock,
    env: { NURTURE_SECRET: 'test-secret', ...env },
    cwd: dir,
    interactive: false,
    signal: controller.signal,
  };
  const nextLine = (pattern: RegExp) => new Promise<string>((resolve) => waiting.push({ pattern, resolve }));
  const printed = nextLine(/login\?token=/);
  const exited = runCli(['serve', '--port', '0'], io);
  const line = await Promise.race([printed, exited.then((status) => Promise.reject(new Error(`serve exited ${status}: ${lines.join('\n')}`)))]);
  const loginUrl = /(http:\/\/\S+\/login\?token=\S+)/.exec(line)![1]!;
  return {
    base: new URL(loginUrl).origin,
    loginUrl,
    lines,
    nextLine,
    stop: () => {
      controller.abort();
      return exited;
    },
  };
}
