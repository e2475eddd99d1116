/**
 * `npm run bench`: every benchmark, one after another, each printing its figures as ratios to a
 * floor it measures in the same run. BENCH_LEADS sets the size of the generated lead base.
 */
import { benchPlanning } from './planning.js';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);

console.log('## planning');
await benchPlanning(LEADS);
