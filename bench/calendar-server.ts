/**
 * The calendar page's server for the benchmark, in its own process, as `nurture serve` runs: the
 * cold forecast is planned in its worker threads, and putting the page's assembly and the browser
 * driver in one process would time them against each other. Usage: calendar-server.ts WORKSPACE_DIR AT_MS
 */
import type { AddressInfo } from 'node:net';
import { openApp } from '../src/app.js';
import { TestClock } from '../src/time/clock.js';
import { registerReviewRoutes } from '../src/web/review-routes.js';
import { Router } from '../src/web/router.js';
import { serve } from '../src/web/server.js';

const [dir, at] = process.argv.slice(2);
const app = openApp({ workspaceDir: dir!, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(Number(at)) });
const server = await serve(registerReviewRoutes(new Router(), app), { host: '127.0.0.1', port: 0 });
console.log(`port ${(server.address() as AddressInfo).port}`);
process.on('SIGTERM', () => {
  server.close();
  app.close();
  process.exit(0);
});
