import type pg from 'pg';
import type { LeadState } from '../domain/lead-plan.js';
import { forecastReadsPg, leadBatchesPg, leadIdByEmailPg } from '../store/pg/forecast-reads.js';
import { inSnapshot } from '../store/pg/snapshot.js';
import { leadCountPg } from '../store/pg/tick-reads.js';
import type { Workspace } from '../workspace/load.js';
import type { ForecastOptions } from './forecast.js';
import type { ForecastReader } from './forecast-reader-type.js';
import { forecastOfShares, type PackedShare, SharePacker, type ShareRequest } from './forecast-share.js';
import { tickContext } from './tick-context.js';

/** Leads read per batch, as SQLite's forecast reads them. */
const BATCH = 2000;

/** Leads planned between two turns of the event loop: the read ahead progresses, and a server keeps answering. */
const SLICE = 250;

/** The forecast on PostgreSQL: one share of the base (or of one lead), planned here as its batches arrive. */
export function pgForecastReader(pool: pg.Pool): ForecastReader {
  return {
    hasLead: async (email) => (await leadIdByEmailPg(pool, email)) !== undefined,
    leadCount: () => leadCountPg(pool),
    forecast: async (workspace, options: ForecastOptions) => {
      const request = { from: options.from, to: options.to, ...(options.sequenceId ? { sequenceId: options.sequenceId } : {}) };
      return forecastOfShares([await inSnapshot(pool, (client) => shareOf(client, workspace, request, options.leadEmail))], options);
    },
    shares: async (workspace, request) => [await inSnapshot(pool, (client) => shareOf(client, workspace, request))],
  };
}

/**
 * The forecast of every lead (or the one with `leadEmail`), packed: the planning context as a
 * tick at `from` has it (the experiments' allocations and the send-time counts of the day's
 * snapshot, as SQLite's forecast reads them), then the leads by batches in id order.
 */
async function shareOf(client: pg.PoolClient, workspace: Workspace, request: Omit<ShareRequest, 'run'>, leadEmail?: string): Promise<PackedShare> {
  const { ctx } = await tickContext(forecastReadsPg(client), workspace, request.from);
  const packer = new SharePacker(ctx, request);
  let range = { afterId: 0, lastId: Number.MAX_SAFE_INTEGER };
  if (leadEmail !== undefined) {
    const id = await leadIdByEmailPg(client, leadEmail);
    if (id === undefined) return packer.finish();
    range = { afterId: id - 1, lastId: id };
  }
  for await (const batch of leadBatchesPg(client, range, BATCH)) await planInSlices(packer, batch.map((lead) => lead.state));
  return packer.finish();
}

async function planInSlices(packer: SharePacker, batch: readonly LeadState[]): Promise<void> {
  for (let i = 0; i < batch.length; i += SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    packer.add(batch.slice(i, i + SLICE));
  }
}
