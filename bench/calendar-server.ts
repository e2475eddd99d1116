/**
 * The calendar page's server for the benchmark, in its own process, as `nurture serve` runs: the
 * cold forecast is planned in its worker threads, and putting the page's assembly and the browser
 * driver in one process would time them against each other. Behind the same login gate as
 * `serve`: it prints its port and a one-time login token. Usage: calendar-server.ts WORKSPACE_DIR AT_MS
 */
import type { AddressInfo } from 'node:net';
import { openApp } from '../src/app.js';
import { TestClock } from '../src/time/clock.js';
import { createWebApp } from '../src/web/app.js';
import { ReviewLogin } from '../src/web/login/review-login.js';
import { serve } from '../src/web/server.js';

const [dir, at] = process.argv.slice(2);
const clock = new TestClock(Number(at));
const app = openApp({ workspaceDir: dir!, env: { NURTURE_SECRET: 'bench' }, clock });
const login = new ReviewLogin({ clock });
const server = await serve(createWebApp(app, { webhookSecret: 'bench', login }), { host: '127.0.0.1', port: 0 });
console.log(`port ${(server.address() as AddressInfo).port} token ${login.newToken()}`);
process.on('SIGTERM', () => {
  server.close();
  app.close();
  process.exit(0);
});
