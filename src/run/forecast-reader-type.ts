import type { Workspace } from '../workspace/load.js';
import type { Forecast, ForecastOptions } from './forecast.js';
import type { PackedShare, ShareRequest } from './forecast-share.js';
import type { Threads } from './forecast-threads.js';

/**
 * Where the calendar, the plan diff and the review pages read their forecast: SQLite (planned in
 * worker threads that open the file) or PostgreSQL (read in batches on one snapshot). Both plan
 * with the same forecastLead and give the same items in the same order.
 */
export interface ForecastReader {
  hasLead(email: string): Promise<boolean>;
  leadCount(): Promise<number>;
  forecast(workspace: Workspace, options: ForecastOptions): Promise<Forecast>;
  /** The whole base, packed in id order (review pages). `threads`: SQLite's workers (PostgreSQL's reads are async anyway). */
  shares(workspace: Workspace, request: Omit<ShareRequest, 'run'>, threads: Threads): Promise<PackedShare[]>;
}
