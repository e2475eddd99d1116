/**
 * Worker-thread entry: plans chunks of the lead base (forecast-share.ts `planChunks`) on its own
 * read-only connection, by the rules it is given, until none is left, and posts them back, moving
 * their typed arrays.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReader } from '../db/connection.js';
import type { Allocations } from '../domain/experiments/types.js';
import type { ConfigFile, SequenceFile } from '../workspace/schema.js';
import { planRulesFrom } from './context.js';
import { type IdRun, planChunks, type ShareRequest } from './forecast-share.js';

export interface ThreadRequest {
  /** The workspace as the caller loaded it (see planRulesFrom). */
  config: ConfigFile;
  sequences: SequenceFile[];
  allocations?: Allocations;
  dbPath: string;
  request: Omit<ShareRequest, 'run'>;
  runs: IdRun[];
  /** Over a SharedArrayBuffer: who took each chunk (see planChunks). */
  owners: Int32Array;
  me: number;
}

const { config, sequences, allocations, dbPath, request, runs, owners, me } = workerData as ThreadRequest;
const sqlite = openReader(dbPath);
const conn = { sqlite };
try {
  const done = planChunks(conn, planRulesFrom(config, sequences, allocations), request, runs, owners, me);
  parentPort!.postMessage(done, done.flatMap(([, s]) => [s.lead.buffer, s.kind.buffer, s.at.buffer]));
} finally {
  sqlite.close();
}
