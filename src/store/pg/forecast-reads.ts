import type pg from 'pg';
import { ENGAGED_PROFILES_SQL, type ProfileRow, SEND_TIME_SIGNALS_SQL, type SendTimeSignal } from '../../db/send-time-counts.js';
import { sendTimeMarkKey } from '../../run/plan-snapshot.js';
import type { TickReads } from '../../run/tick-context.js';
import { experimentReadsPg } from './experiments.js';

/**
 * What tickContext reads, for a command that only looks (explain's forecast): the same reads as a
 * tick's, but the send-time mark of the day is read, never kept (SQLite's sendTimeMark with
 * `store` false), and no decision is recorded: looking must not change what the day's first tick plans.
 */
export function forecastReadsPg(pool: pg.Pool): TickReads {
  return {
    experimentReads: (rules, now) => experimentReadsPg(pool, rules, now),
    recordDecision: async () => {},
    claimConclusion: async () => false,
    async sendTimeSignals(now: number, profiles: boolean): Promise<{ signals: SendTimeSignal[]; profiles: ProfileRow[] }> {
      const { rows: marks } = await pool.query<{ mark: string }>(
        'SELECT coalesce((SELECT value FROM plan_state WHERE key = $1), (SELECT coalesce(max(id), 0)::text FROM events)) AS mark',
        [sendTimeMarkKey(now)],
      );
      const mark = Number(marks[0]!.mark);
      const { rows } = await pool.query<SendTimeSignal>({ text: `${SEND_TIME_SIGNALS_SQL} AND e.id <= $1`, values: [mark], rowMode: 'array' });
      if (!profiles) return { signals: rows, profiles: [] };
      const engaged = await pool.query<unknown[]>({ text: ENGAGED_PROFILES_SQL.replace('?', '$1'), values: [mark], rowMode: 'array' });
      return { signals: rows, profiles: engaged.rows as unknown as ProfileRow[] };
    },
  };
}
