/**
 * Segments and conditions at scale: 1,000,000 leads, ten segment-based sequences (named segments,
 * where, did/didNot, score, an enterOn trigger, steps with unless). The planning run is timed as
 * in planning.ts, against the same floor; then the cost of the condition language alone, over the
 * same loaded batches with the scores already made (the planner has them anyway), repeated to show
 * the spread: audiences tested as enrolment tests them (priority order, up to the first match),
 * and an upper bound (every audience and every step's `unless` for every lead).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { holds } from '../src/domain/conditions/evaluate.js';
import { entryWhy } from '../src/domain/conditions/sequence-rules.js';
import { scoreLead } from '../src/domain/scoring.js';
import { leadBatches, planContext, storesFor } from '../src/run/context.js';
import { runOnce } from '../src/run/run.js';
import { spareCores } from '../src/run/threads.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { AT, floor, type Sqlite } from './planning.js';
import { benchWorkspace } from './workspace.js';

const SEGMENTS = `
segments:
  emea: { where: [{ field: country, in: [GB, DE, FR, NL] }] }
  saas: { where: [{ field: industry, in: [SaaS, Software] }] }
  senior: { where: [{ field: jobTitle, pattern: "\\\\b(vp|director|head of|chief|ceo)\\\\b" }] }
  mid-market: { where: [{ field: attributes.company_size, gte: 50, lte: 1000 }] }
  pricing-visitors: { did: [{ event: page_viewed, urlContains: /pricing, within: P30D }] }
`;

const AUDIENCES = [
  '{ stages: [interest, desire], segment: [emea, saas] }',
  '{ stages: [awareness, interest], segment: senior, didNot: [{ event: page_viewed, urlContains: /pricing }] }',
  '{ stages: [desire], segment: pricing-visitors, score: { gte: 50 } }',
  '{ segment: mid-market, where: [{ field: attributes.plan, in: [trial] }] }',
  '{ stages: [awareness], any: [{ segment: emea }, { where: [{ field: country, in: [US] }], did: [{ event: email_clicked, within: P14D }] }] }',
  '{ stages: [interest], not: { segment: saas }, fit: { gte: 10 } }',
  '{ stages: [awareness, interest, desire], where: [{ field: attributes.signup, after: "2026-06-01" }] }',
  '{ stages: [interest, desire], segment: [senior, mid-market] }',
  '{ stages: [awareness, interest], engagement: { lte: 5 }, where: [{ field: jobTitle, pattern: marketing }] }',
  '{ stages: [awareness, interest, desire] }',
];

function writeSequences(root: string, dir: string): void {
  writeFileSync(join(dir, 'nurture.yaml'), readFileSync(join(dir, 'nurture.yaml'), 'utf8') + SEGMENTS);
  rmSync(join(dir, 'sequences'), { recursive: true });
  mkdirSync(join(dir, 'sequences'));
  const templates = ['push-messy-data', 'pull-synced-data', 'habit-csv-exports', 'anxiety-start-read-only'];
  const forces = ['push', 'pull', 'habit', 'anxiety'];
  AUDIENCES.forEach((audience, i) => {
    const steps = forces.map((force, j) => {
      const unless = j === 2 ? ', unless: { did: [{ event: page_viewed, urlContains: /pricing, since: enrolled }] }' : '';
      return `  - { id: s${j}, force: ${force}, template: ${templates[j]}, wait: ${j === 0 ? 'P0D' : 'P3D'}${unless} }`;
    });
    const lines = [
      `id: segment-${i}`,
      `name: Segment ${i}`,
      `audience: ${audience}`,
      `priority: ${20 - i}`,
      ...(i === 0 ? ['enterOn: { event: webinar_attended, within: P14D }', 'interrupt: true'] : []),
      'steps:',
      ...steps,
    ];
    writeFileSync(join(dir, 'sequences', `segment-${i}.yaml`), `${lines.join('\n')}\n`);
  });
  cpSync(join(root, 'sequences', 'recycle.yaml'), join(dir, 'sequences', 'recycle.yaml'));
}

const ZONES = ['America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'];
const COUNTRIES = ['US', 'GB', 'DE', 'IN', 'AU'];
const TITLES = ['Marketing Manager', 'VP Marketing', 'Director of Sales Operations', 'Marketing Associate', 'CEO', 'Intern'];
const INDUSTRIES = ['SaaS', 'Software', 'Education', 'Retail', 'Financial Services'];

function generate(db: Sqlite, leads: number): void {
  const insert = db.prepare(
    `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'confirmed', ?, 0, 0)`,
  );
  const event = db.prepare(`INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, ?, ?, ?, ?, 0)`);
  db.transaction(() => {
    for (let i = 0; i < leads; i++) {
      const z = i % ZONES.length;
      const attributes = JSON.stringify({
        company_size: String((i * 37) % 2000),
        plan: i % 4 === 0 ? 'trial' : 'free',
        signup: new Date(AT - (i % 300) * DAY_MS).toISOString().slice(0, 10),
      });
      const id = Number(
        insert.run(`lead${i}@company${i % 997}.example`, TITLES[i % TITLES.length], INDUSTRIES[i % INDUSTRIES.length], COUNTRIES[z], ZONES[z], attributes)
          .lastInsertRowid,
      );
      if (i % 3 === 0) event.run(id, 'page_viewed', AT - (i % 40) * DAY_MS, 'https://x.example/pricing', `p${i}`);
      if (i % 5 === 0) event.run(id, 'email_clicked', AT - (i % 9) * DAY_MS, '', `c${i}`);
      if (i % 11 === 0) event.run(id, 'webinar_attended', AT - (i % 20) * DAY_MS, '', `w${i}`);
    }
  })();
}

/**
 * Every sequence's audience (and trigger) and every step's `unless` for every lead at AT: the
 * condition language alone. Inputs (and the scores a planner has anyway) are built outside the
 * timed part.
 */
function audiencePass(app: ReturnType<typeof openApp>, every: boolean): { seconds: number; matches: number } {
  const ctx = planContext(app.workspace);
  let seconds = 0;
  let matches = 0;
  for (const batch of leadBatches(storesFor(app.conn), 1000)) {
    const inputs = batch.map(({ state }) => {
      const score = scoreLead(ctx.scoring, state.profile, state.events, AT, state.sends);
      return { profile: state.profile, events: state.events, now: AT, stage: () => score.stage, score: () => score, enrolledAt: AT - DAY_MS };
    });
    const start = process.hrtime.bigint();
    for (const input of inputs) {
      for (const s of ctx.sequences) {
        if (!s.audience.stages.includes(input.stage())) continue;
        if (entryWhy(s, input) !== undefined) {
          matches++;
          // As enrolment does: the first sequence that takes the lead ends the search.
          if (!every) break;
        }
        if (every) for (const step of s.steps) if (step.unless && holds(step.unless, input)) matches++;
      }
    }
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { seconds, matches };
}

export async function benchSegments(LEADS: number, repeats = 3): Promise<void> {
  const root = resolve(import.meta.dirname, '..');
  const dir = benchWorkspace('nurture-bench-segments');
  writeSequences(root, dir);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
  try {
    generate(app.conn.sqlite, LEADS);
    const floorSeconds = floor(app.conn.sqlite);
    const threaded = (await spareCores()) > 0;
    const start = process.hrtime.bigint();
    const report = await runOnce(runDeps(app), { at: AT, planThread: threaded });
    const runSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const passes = Array.from({ length: repeats }, () => audiencePass(app, false));
    const shares = passes.map((p) => p.seconds / runSeconds);
    const bounds = Array.from({ length: repeats }, () => audiencePass(app, true));
    const boundShares = bounds.map((p) => p.seconds / runSeconds);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(`leads: ${LEADS.toLocaleString('en-US')}, 10 segment-based sequences (5 named segments, did/didNot, score, enterOn, unless)`);
    console.log(`floor (raw scan + ${(2 * LEADS).toLocaleString('en-US')} inserts): ${floorSeconds.toFixed(2)} s`);
    console.log(
      `planning run: ${runSeconds.toFixed(2)} s, ${Math.round(LEADS / runSeconds).toLocaleString('en-US')} leads/s, ${(runSeconds / floorSeconds).toFixed(2)}× floor` +
        ` (${report.counts.enrolled} enrolled, ${report.counts.planned} planned; planner thread: ${threaded ? 'yes' : 'no'})`,
    );
    console.log(
      `audience evaluation as enrolment does it, sequences in priority order up to the first match (${passes[0]!.matches.toLocaleString('en-US')} leads matched): ` +
        `${passes.map((p) => `${p.seconds.toFixed(2)} s`).join(', ')} = ${shares.map(pct).join(', ')} of the planning run` +
        ` (spread ${pct(Math.min(...shares))}–${pct(Math.max(...shares))})`,
    );
    console.log(
      `  upper bound, every audience and every step's unless for every lead (${bounds[0]!.matches.toLocaleString('en-US')} matches): ` +
        `${bounds.map((p) => `${p.seconds.toFixed(2)} s`).join(', ')} = ${boundShares.map(pct).join(', ')}`,
    );
    const worst = Math.max(...shares);
    console.log(`targets: ≤ 3× floor ${runSeconds / floorSeconds <= 3 ? 'met' : 'not met'}; conditions ≤ 15% of the run ${worst <= 0.15 ? 'met' : 'not met'}`);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
