import type pg from 'pg';
import type { LoadedLead } from '../../run/loaded-leads.js';
import type { TickReads } from '../../run/tick-context.js';
import { experimentReadsPg } from './experiments.js';
import { loadBatchPg } from './load.js';
import { sendTimeMarkReadPg, sendTimeSignalsPg } from './send-time.js';

/**
 * What the forecast reads of PostgreSQL before it plans (experiments, send-time counts as of the
 * day's snapshot), as a tick reads them (run/tick-context.ts), but writing nothing: the send-time
 * mark is read, not kept, as SQLite's forecast does, and no decision is recorded (looking at a
 * lead must not change what the day's first tick plans). Used by the forecast, the dry run and explain.
 */
export function forecastReadsPg(db: pg.Pool | pg.PoolClient): TickReads {
  return {
    experimentReads: (rules, now) => experimentReadsPg(db, rules, now),
    sendTimeSignals: async (now, profiles) => sendTimeSignalsPg(db, await sendTimeMarkReadPg(db, now), profiles),
    recordDecision: () => Promise.reject(new Error('the forecast records no experiment decision')),
    claimConclusion: () => Promise.reject(new Error('the forecast concludes no experiment')),
  };
}

/** LeadStore.findByEmail's id on PostgreSQL (addresses are stored lower-case). */
export async function leadIdByEmailPg(db: pg.Pool | pg.PoolClient, email: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM leads WHERE email = $1', [email.toLowerCase()]);
  return rows[0]?.id;
}

/**
 * The leads in ids (afterId, lastId] as the run loads them, `batchSize` at a time (keyset paging,
 * as SQLite's leadBatches), read by loadBatchPg. The next batch is asked for before this one is
 * handed over, so the server reads it while the caller plans.
 */
export async function* leadBatchesPg(client: pg.PoolClient, range: { afterId: number; lastId: number }, batchSize: number): AsyncGenerator<LoadedLead[]> {
  // A read ahead may fail while the caller awaits something else: marked handled at once (the
  // `await next` below still throws it), or Node ends the process on an unhandled rejection.
  const page = (afterId: number) => {
    const read = loadBatchPg(client, { afterId, lastId: range.lastId }, batchSize);
    read.catch(() => {});
    return read;
  };
  let next = page(range.afterId);
  try {
    for (;;) {
      const leads = await next;
      if (leads.length === 0) return;
      const last = leads[leads.length - 1]!.state.profile.id;
      next = last >= range.lastId ? Promise.resolve([]) : page(last);
      yield leads;
    }
  } finally {
    // A caller that stops early leaves the read ahead: let it finish (its failure is moot) before the client is released.
    await next.catch(() => {});
  }
}
