import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../time/clock.js';
import type { LoginOptions, PasswordCheck, Session } from './types.js';

/** Below this, `serve` refuses the password: ten guesses a minute must never find it. */
export const MIN_PASSWORD_LENGTH = 12;
/** Failed password attempts allowed per minute, all clients together; past it the form answers 429. */
export const MAX_FAILURES_PER_MINUTE = 10;
const MAX_SESSIONS = 1_000;
const MAX_TOKENS = 20;

const random = () => randomBytes(32).toString('base64url');
/** Sessions and tokens are looked up by their hash, so neither the map nor its timing holds the secret. */
const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Who may see the review pages: one-time login tokens (printed by `serve`, the way Jupyter does
 * it), an optional password, and the sessions they open. Random ids kept server-side: a forged or
 * tampered cookie matches no session. Time comes from the injected clock.
 */
export class ReviewLogin {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Set<string>();
  private failures: number[] = [];
  readonly idleMs: number;
  readonly maxAgeMs: number;

  constructor(private readonly options: LoginOptions) {
    this.idleMs = options.idleMs ?? 12 * HOUR_MS;
    this.maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
  }

  get passwordEnabled(): boolean {
    return Boolean(this.options.password);
  }

  /** A new one-time login token (the oldest unused one is dropped past 20). */
  newToken(): string {
    const token = random();
    this.tokens.add(digest(token));
    if (this.tokens.size > MAX_TOKENS) this.tokens.delete(this.tokens.values().next().value!);
    return token;
  }

  /** Uses up a token; true when it was a live one. A fresh token then goes to `onTokenUsed`. */
  useToken(token: string): boolean {
    if (!this.tokens.delete(digest(token))) return false;
    this.options.onTokenUsed?.(this.newToken());
    return true;
  }

  checkPassword(given: string): PasswordCheck {
    const expected = this.options.password;
    if (!expected) return 'off';
    const now = this.options.clock.now();
    this.failures = this.failures.filter((t) => now - t < MINUTE_MS && t <= now);
    if (this.failures.length >= MAX_FAILURES_PER_MINUTE) return 'throttled';
    if (timingSafeEqual(Buffer.from(digest(given)), Buffer.from(digest(expected)))) return 'ok';
    this.failures.push(now);
    return 'wrong';
  }

  /** Opens a session; returns its id (for the cookie) and its CSRF token. */
  startSession(): { id: string; session: Session } {
    const now = this.options.clock.now();
    this.sweep(now);
    const id = random();
    const session: Session = { csrf: random(), createdAt: now, lastSeenAt: now };
    this.sessions.set(digest(id), session);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return { id, session };
  }

  /** The live session with this id, its idle time restarted; undefined when unknown or expired. */
  session(id: string): Session | undefined {
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const now = this.options.clock.now();
    if (this.expired(session, now)) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenAt = Math.max(session.lastSeenAt, now);
    return session;
  }

  endSession(id: string): void {
    this.sessions.delete(digest(id));
  }

  private expired(session: Session, now: number): boolean {
    return now - session.lastSeenAt >= this.idleMs || now - session.createdAt >= this.maxAgeMs || now < session.createdAt;
  }

  private sweep(now: number): void {
    for (const [key, session] of this.sessions) if (this.expired(session, now)) this.sessions.delete(key);
  }
}
