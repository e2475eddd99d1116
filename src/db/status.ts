import type { DbStatus, StatusQuery } from './types.js';

/** The advisory-lock namespace a worker's session lock lives in (its id is the second key). */
export const WORKER_LOCK_CLASS = 0x6e757275;

/**
 * The tick, batch, uncertain-send and worker parts of `db status`, from portable SQL so that
 * SQLite and PostgreSQL answer the same way; each part only when its table exists.
 */
export async function statusTables(
  query: StatusQuery,
  tables: ReadonlySet<string>,
  kind: DbStatus['kind'],
): Promise<Pick<DbStatus, 'lastRun' | 'currentTick' | 'uncertainSends' | 'workers'>> {
  const out: Pick<DbStatus, 'lastRun' | 'currentTick' | 'uncertainSends' | 'workers'> = {
    lastRun: null,
    currentTick: null,
    uncertainSends: null,
    workers: null,
  };
  if (tables.has('runs')) {
    const [last] = await query('SELECT id, at, status FROM runs ORDER BY id DESC LIMIT 1');
    if (last) out.lastRun = { id: Number(last.id), at: Number(last.at), status: String(last.status) };
    const [tick] = await query(
      'SELECT id, tick_at AS "tickAt", status FROM runs WHERE tick_at IS NOT NULL ORDER BY tick_at DESC LIMIT 1',
    );
    if (tick) {
      const batches = { pending: 0, planned: 0 };
      if (tables.has('run_batches'))
        for (const row of await query(`SELECT status, count(*) AS n FROM run_batches WHERE run_id = ${Number(tick.id)} GROUP BY status`))
          batches[row.status as keyof typeof batches] = Number(row.n);
      out.currentTick = { runId: Number(tick.id), tickAt: Number(tick.tickAt), status: String(tick.status), batches };
    }
  }
  if (tables.has('sends')) {
    const [row] = await query(`SELECT count(*) AS n FROM sends WHERE status = 'sending'`);
    out.uncertainSends = Number(row?.n ?? 0);
  }
  if (kind === 'postgres' && tables.has('workers')) {
    const rows = await query(
      `SELECT w.id, w.host, w.pid, w.started_at AS "startedAt", w.seen_at AS "seenAt",
          EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${WORKER_LOCK_CLASS}
            AND l.objid = w.id AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS alive
         FROM workers w WHERE w.stopped_at IS NULL ORDER BY w.id`,
    );
    out.workers = rows.map((r) => ({
      id: Number(r.id),
      host: String(r.host),
      pid: Number(r.pid),
      startedAt: Number(r.startedAt),
      seenAt: Number(r.seenAt),
      alive: r.alive === true,
    }));
  }
  return out;
}
