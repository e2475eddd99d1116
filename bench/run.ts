/**
 * `npm run bench`: every benchmark, one after another, each printing its figures as ratios to a
 * floor it measures in the same run. BENCH_LEADS sets the size of the generated lead base
 * (100,000); the planning pass runs on BENCH_PLANNING_LEADS (1,000,000, the size its target is
 * set for; BENCH_LEADS when only that is given).
 */
import { benchDelivery } from './delivery.js';
import { benchForecast } from './forecast.js';
import { benchPlanning } from './planning.js';
import { benchReport } from './report.js';
import { benchScoring } from './scoring.js';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const PLANNING_LEADS = Number(process.env.BENCH_PLANNING_LEADS ?? process.env.BENCH_LEADS ?? 1_000_000);

console.log('## planning');
await benchPlanning(PLANNING_LEADS);

console.log('\n## delivery');
await benchDelivery(Number(process.env.BENCH_MESSAGES ?? 3000));

console.log('\n## forecast and calendar page');
await benchForecast(LEADS);

console.log('\n## scoring');
await benchScoring(LEADS);

console.log('\n## report and link endpoints');
await benchReport(Number(process.env.BENCH_REPORT_SENDS ?? 1_000_000));
