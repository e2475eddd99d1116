import type { Clock } from '../../time/clock.js';

/** One logged-in browser. Kept in memory only: restarting `serve` logs everyone out. */
export interface Session {
  /** The anti-CSRF token every state-changing request of this session must carry. */
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface LoginOptions {
  clock: Clock;
  /** `NURTURE_SERVE_PASSWORD`: when set, the login form accepts it. */
  password?: string;
  /** Told a fresh one-time token each time one is used, so the console always holds a working login URL. */
  onTokenUsed?: (token: string) => void;
  /** A session ends after this long without a request (default 12 hours)… */
  idleMs?: number;
  /** …and in any case this long after the login (default 7 days). */
  maxAgeMs?: number;
}

export type PasswordCheck = 'ok' | 'wrong' | 'throttled' | 'off';
