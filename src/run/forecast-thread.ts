/**
 * Worker-thread entry: plans chunks of the lead base (forecast-share.ts `planChunks`) on its own
 * connection and workspace until none is left, and posts them back, moving their typed arrays.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/connection.js';
import { loadWorkspace } from '../workspace/load.js';
import { type IdRun, planChunks, type ShareRequest } from './forecast-share.js';

export interface ThreadRequest {
  workspaceDir: string;
  dbPath: string;
  request: Omit<ShareRequest, 'run'>;
  runs: IdRun[];
  /** Over a SharedArrayBuffer: who took each chunk (see planChunks). */
  owners: Int32Array;
  me: number;
}

const { workspaceDir, dbPath, request, runs, owners, me } = workerData as ThreadRequest;
const conn = openDatabase(dbPath);
try {
  const done = planChunks(conn, loadWorkspace(workspaceDir), request, runs, owners, me);
  parentPort!.postMessage(done, done.flatMap(([, s]) => [s.lead.buffer, s.kind.buffer, s.at.buffer]));
} finally {
  conn.close();
}
