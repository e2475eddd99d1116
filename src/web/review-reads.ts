import type { App, PgApp } from '../app.js';
import { LeadListReader } from '../db/lead-list.js';
import { leadsByCountry } from '../db/country-counts.js';
import type { PlanContext } from '../domain/lead-plan.js';
import { leadBatches, planContext } from '../run/context.js';
import { withAllocations } from '../run/experiment-state.js';
import { forecastReader, type ForecastReader } from '../run/forecast-reader.js';
import { tickContext } from '../run/tick-context.js';
import { forecastReadsPg } from '../store/pg/forecast-reads.js';
import { inSnapshot } from '../store/pg/snapshot.js';
import { type LeadPageRows, leadPageRowsPg, leadsByCountryPg } from '../store/pg/lead-page.js';

/** The lead page's data: the lead as the run loads it, and the planning context at the page's moment. */
export interface LeadPageData extends LeadPageRows {
  ctx: PlanContext;
}

/**
 * What the review pages read, from either database: the forecast, the leads per country, one
 * lead. SQLite's reads are the synchronous ones they always were, wrapped; PostgreSQL's are async.
 */
export interface ReviewReads {
  forecast: ForecastReader;
  leadsByCountry(): Promise<{ country: string; leads: number }[]>;
  leadPage(email: string, now: number): Promise<LeadPageData | undefined>;
}

export function reviewReads(app: App | PgApp): ReviewReads {
  return 'conn' in app ? sqliteReviewReads(app) : pgReviewReads(app);
}

function sqliteReviewReads(app: App): ReviewReads {
  return {
    forecast: forecastReader(app),
    leadsByCountry: () => Promise.resolve(leadsByCountry(app.conn.sqlite)),
    leadPage(email, now) {
      const lead = app.stores.leads.findByEmail(email);
      const loaded = lead && [...leadBatches(app.stores, 1, lead.id)][0]?.[0];
      if (!lead || !loaded) return Promise.resolve(undefined);
      const suppression = new LeadListReader(app.conn.sqlite).suppression(lead.id);
      return Promise.resolve({
        loaded,
        ctx: planContext(withAllocations(app.conn.sqlite, app.workspace, now), app.conn.sqlite, now),
        entered: app.stores.outbox.entryReasons(lead.id),
        ...(suppression ? { suppression } : {}),
        zoneSource: app.stores.leads.zoneSourceOf(lead.id),
      });
    },
  };
}

function pgReviewReads(app: PgApp): ReviewReads {
  const { pool } = app.store;
  return {
    forecast: forecastReader(app),
    leadsByCountry: () => leadsByCountryPg(pool),
    leadPage: (email, now) =>
      inSnapshot(pool, async (client) => {
        const rows = await leadPageRowsPg(client, email);
        return rows && { ...rows, ctx: (await tickContext(forecastReadsPg(client), app.workspace, now)).ctx };
      }),
  };
}
