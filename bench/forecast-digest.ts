/**
 * Check aid: a digest of the whole forecast JSON, to compare before and after a refactor; it also
 * says if the forecast split over two worker threads differs from the one-thread forecast.
 */
import { createHash } from 'node:crypto';
import { type Forecast, forecast } from '../src/run/forecast.js';
import { forecastInThreads } from '../src/run/forecast-threads.js';
import { DAY_MS } from '../src/time/clock.js';
import { AT, plannedBase } from './forecast.js';

const leads = Number(process.env.BENCH_LEADS ?? 5_000);
const { app, close } = await plannedBase('nurture-digest', leads);
const digest = (result: Forecast) => createHash('sha256').update(JSON.stringify(result)).digest('hex');
for (const days of [90, 200]) {
  const window = { from: AT + 3_600_000, to: AT + days * DAY_MS };
  const result = forecast(app.conn, app.workspace, window);
  console.log(days, result.items.length, digest(result));
  // Split over two threads, the forecast must not change by a byte.
  const threaded = digest(await forecastInThreads(app.conn, app.workspace, window, { workers: 1, here: true }));
  if (threaded !== digest(result)) console.log(days, 'in two threads:', threaded, '(differs)');
}
close();
