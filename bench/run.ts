/**
 * `npm run bench`: every benchmark, one after another, each printing its figures as ratios to a
 * floor it measures in the same run. BENCH_LEADS sets the size of the generated lead base
 * (100,000); the planning pass runs on BENCH_PLANNING_LEADS (1,000,000, the size its target is
 * set for; BENCH_LEADS when only that is given).
 */
import { benchDelivery } from './delivery.js';
import { benchExperiments } from './experiments.js';
import { benchIncremental } from './incremental.js';
import { benchForecast } from './forecast.js';
import { benchLearning } from './learning.js';
import { benchPgImport } from './pg-import.js';
import { benchPgLinks } from './pg-links.js';
import { benchPgWorkers } from './pg-workers.js';
import { benchPgForecast } from './pg-forecast.js';
import { benchPlanning } from './planning.js';
import { benchReport } from './report.js';
import { benchReportPg } from './report-pg.js';
import { benchScoring } from './scoring.js';
import { benchSegments } from './segments.js';
import { benchSendTime } from './send-time.js';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
/**
 * BENCH_ONLY=delivery (or planning, incremental, segments, send-time, experiments, learning,
 * forecast, scoring, report, pg-forecast, pg-links, pg-workers, pg-import): one section alone, e.g. to repeat it on a shared machine.
 */
const ONLY = process.env.BENCH_ONLY;
const section = (name: string) => !ONLY || ONLY === name;
const PLANNING_LEADS = Number(process.env.BENCH_PLANNING_LEADS ?? process.env.BENCH_LEADS ?? 1_000_000);

if (section('planning')) {
  console.log('## planning');
  await benchPlanning(PLANNING_LEADS);
}
if (section('incremental')) {
  console.log('\n## incremental hourly rerun');
  await benchIncremental(PLANNING_LEADS);
}
if (section('segments')) {
  console.log('\n## planning with segments and conditions');
  await benchSegments(PLANNING_LEADS);
}
if (section('send-time')) {
  console.log('\n## planning with send-time optimisation');
  await benchSendTime(PLANNING_LEADS, Number(process.env.BENCH_SEND_TIME_REPEATS ?? 2));
}
if (section('delivery')) {
  console.log('\n## delivery');
  await benchDelivery(Number(process.env.BENCH_MESSAGES ?? 3000));
}
if (section('forecast')) {
  console.log('\n## forecast and calendar page');
  await benchForecast(LEADS);
}
if (section('scoring')) {
  console.log('\n## scoring');
  await benchScoring(LEADS);
}
if (section('report')) {
  console.log('\n## report and link endpoints');
  await benchReport(Number(process.env.BENCH_REPORT_SENDS ?? 1_000_000));
}
if (section('report-pg')) {
  console.log('\n## report on PostgreSQL against SQLite');
  await benchReportPg(Number(process.env.BENCH_REPORT_PG_SENDS ?? 100_000));
}
if (section('experiments')) {
  console.log('\n## planning with experiments');
  await benchExperiments(PLANNING_LEADS);
}
if (section('learning')) {
  console.log('\n## planning with send-time optimisation and experiments together (issue 15)');
  await benchLearning(PLANNING_LEADS, Number(process.env.BENCH_LEARNING_REPEATS ?? 3));
}
if (section('pg-forecast')) {
  console.log('\n## PostgreSQL: the forecast against SQLite');
  await benchPgForecast(Number(process.env.BENCH_PG_LEADS ?? 100_000));
}
if (section('pg-links')) {
  console.log('\n## PostgreSQL: the link endpoints of nurture serve against SQLite');
  await benchPgLinks(Number(process.env.BENCH_REPORT_SENDS ?? 1_000_000), Number(process.env.BENCH_LINK_REQUESTS ?? 3000));
}
if (section('pg-workers')) {
  console.log('\n## PostgreSQL: several workers against SQLite');
  await benchPgWorkers(Number(process.env.BENCH_PG_LEADS ?? 100_000), Number(process.env.BENCH_MESSAGES ?? 3000));
}
if (section('pg-import')) {
  console.log('\n## PostgreSQL: leads import against SQLite');
  await benchPgImport(Number(process.env.BENCH_IMPORT_LEADS ?? 100_000));
}
