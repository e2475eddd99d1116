/**
 * The planning pass on generated data: 30 sequences (sales-cycle tiers, business-day waits, a
 * seasonal one), leads spread over zones with :30 and :45 offsets and DST, and their countries'
 * holidays. Reported as leads/s and as a ratio to a floor measured in the same run on the same
 * database: a raw better-sqlite3 keyset scan of the same leads, events, enrolments and sends plus
 * the insert of as many rows as the run writes. BENCH_LEADS sets the size.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openApp, runDeps } from '../src/app.js';
import { advanceLead } from '../src/domain/lead-plan.js';
import { leadBatches, planContext, storesFor } from '../src/run/context.js';
import { runOnce } from '../src/run/run.js';
import { spareCores } from '../src/run/threads.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { benchWorkspace } from './workspace.js';

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Asia/Tokyo',
];
const COUNTRIES = ['US', 'US', 'GB', 'DE', 'IN', 'NP', 'AU', 'NZ', 'CA', 'JP'];
const TITLES = ['Marketing Manager', 'VP Marketing', 'Director of Sales Operations', 'Marketing Associate', 'CEO', 'Intern'];
const INDUSTRIES = ['SaaS', 'Software', 'Education', 'Retail', 'Financial Services'];
const STAGE_SETS = ['[awareness]', '[interest]', '[awareness, interest]', '[desire]', '[interest, desire]'];
const CYCLES = ['', 'P3W', 'P2M', 'P5M', 'P1Y'];
const WAITS = ['P2D', 'P3D', '2 business days', 'P5D', 'P1W'];
// A Sunday: every touch is planned (windows are closed), so the pass measures planning, not SMTP.
export const AT = Date.parse('2026-11-22T12:00:00Z');

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

/** 30 generated sequences over the example templates, replacing the example ones. */
export function writeSequences(root: string, dir: string): void {
  const templates = [...readFileSync(join(root, 'sequences', 'new-signups.yaml'), 'utf8').matchAll(/template: ([\w-]+)/g)].map(
    (m) => m[1]!,
  );
  rmSync(join(dir, 'sequences'), { recursive: true });
  mkdirSync(join(dir, 'sequences'));
  const forces = ['push', 'pull', 'habit', 'anxiety'];
  for (let i = 0; i < 30; i++) {
    const steps = Array.from({ length: 4 + (i % 3) }, (_, j) => {
      const wait = j === 0 ? 'P0D' : WAITS[(i + j) % WAITS.length];
      return `  - { id: s${j}, force: ${forces[j % 4]}, template: ${templates[j % templates.length]}, wait: ${wait} }`;
    });
    const lines = [
      `id: bench-${i}`,
      `name: Bench ${i}`,
      `audience: { stages: ${STAGE_SETS[i % STAGE_SETS.length]} }`,
      `priority: ${i % 7}`,
      ...(CYCLES[i % CYCLES.length] ? [`salesCycle: ${CYCLES[i % CYCLES.length]}`] : []),
      ...(i === 29 ? ['season: budget-season'] : []),
      'steps:',
      ...steps,
    ];
    writeFileSync(join(dir, 'sequences', `bench-${i}.yaml`), `${lines.join('\n')}\n`);
  }
  // Keep the example's recycle sequence (the cadence's recycle target) under its own name.
  cpSync(join(root, 'sequences', 'recycle.yaml'), join(dir, 'sequences', 'recycle.yaml'));
}

export async function benchPlanning(LEADS: number): Promise<void> {
  const root = resolve(import.meta.dirname, '..');
  const dir = benchWorkspace('nurture-bench');
  writeSequences(root, dir);
  const clock = new TestClock(AT);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
  try {
    const [, genSeconds] = time(() => generate(app.conn.sqlite, LEADS));
    const floorSeconds = floor(app.conn.sqlite);
    const deps = runDeps(app);
    // As the run decides (src/run/run.ts): a planner thread when a core is free (the base is large).
    const threaded = (await spareCores()) > 0;
    const runStart = process.hrtime.bigint();
    const report = await runOnce(deps, { at: AT, planThread: threaded });
    const runSeconds = Number(process.hrtime.bigint() - runStart) / 1e9;
    // maxRSS is the kernel's high-water mark for this process, in KiB: read before the breakdown.
    const rss = process.resourceUsage().maxRSS / 1024;
    // Where the time goes: the same pass without writes (load, score, plan), and the pure planner alone.
    const [, drySeconds] = await timeAsync(() => runOnce(deps, { at: AT, dryRun: true }));
    const plannerSeconds = plannerOnly(app);
    const rate = (s: number) => Math.round(LEADS / s).toLocaleString('en-US');
    console.log(`leads: ${LEADS.toLocaleString('en-US')}, 30 sequences, ${ZONES.length} zones (generated in ${genSeconds.toFixed(2)} s)`);
    console.log(`floor (raw scan + ${(2 * LEADS).toLocaleString('en-US')} inserts): ${floorSeconds.toFixed(2)} s, ${rate(floorSeconds)} leads/s`);
    console.log(
      `planning run: ${runSeconds.toFixed(2)} s, ${rate(runSeconds)} leads/s, ${(runSeconds / floorSeconds).toFixed(2)}× floor` +
        ` (${report.counts.enrolled} enrolled, ${report.counts.planned} planned; planner thread: ${threaded ? 'yes' : 'no, no core to spare'})`,
    );
    console.log(
      `  an hourly rerun after it: dry run (load + score + plan, no writes) ${drySeconds.toFixed(2)} s; the pure planner ${plannerSeconds.toFixed(2)} s (${rate(plannerSeconds)} leads/s)`,
    );
    console.log(`peak RSS after planning: ${rss.toFixed(0)} MiB`);
    const ratio = runSeconds / floorSeconds;
    console.log(`targets: ≤ 3× floor ${ratio <= 3 ? 'met' : 'not met'}; ≤ 1 GiB peak RSS ${rss <= 1024 ? 'met' : 'not met'}`);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

/** advanceLead over every lead (loaded first, batch by batch), timed on its own. */
function plannerOnly(app: ReturnType<typeof openApp>): number {
  const ctx = planContext(app.workspace);
  let seconds = 0;
  for (const batch of leadBatches(storesFor(app.conn), 1000)) {
    const start = process.hrtime.bigint();
    for (const lead of batch) advanceLead(ctx, lead.state, AT);
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
  }
  return seconds;
}

export type Sqlite = ReturnType<typeof openApp>['conn']['sqlite'];

export function generate(db: Sqlite, leads: number): void {
  const insert = db.prepare(
    `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'confirmed', '{}', 0, 0)`,
  );
  const event = db.prepare(
    `INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, ?, ?, ?, ?, 0)`,
  );
  db.transaction(() => {
    for (let i = 0; i < leads; i++) {
      const z = i % ZONES.length;
      const id = Number(
        insert.run(`lead${i}@company${i % 997}.example`, TITLES[i % TITLES.length], INDUSTRIES[i % INDUSTRIES.length], COUNTRIES[z], ZONES[z])
          .lastInsertRowid,
      );
      if (i % 3 === 0) event.run(id, 'page_viewed', AT - (i % 40) * DAY_MS, 'https://x.example/pricing', `p${i}`);
      if (i % 5 === 0) event.run(id, 'email_clicked', AT - (i % 9) * DAY_MS, '', `c${i}`);
    }
  })();
}

/** The same keyset-paged reads the run makes, and two row inserts per lead (enrolment, planned row). */
export function floor(db: Sqlite): number {
  const [, seconds] = time(() => {
    const page = db.prepare('SELECT * FROM leads WHERE id > ? ORDER BY id LIMIT 1000');
    const events = db.prepare('SELECT lead_id, type, occurred_at, url FROM events WHERE lead_id BETWEEN ? AND ?');
    const enr = db.prepare('SELECT * FROM enrollments WHERE lead_id BETWEEN ? AND ?');
    const snd = db.prepare('SELECT * FROM sends WHERE lead_id BETWEEN ? AND ?');
    db.exec('CREATE TEMP TABLE floor_rows (a INTEGER, b TEXT, c INTEGER, d TEXT)');
    const ins = db.prepare('INSERT INTO floor_rows VALUES (?, ?, ?, ?)');
    let after = 0;
    for (;;) {
      const rows = page.all(after) as { id: number; email: string }[];
      if (rows.length === 0) break;
      const first = rows[0]!.id;
      after = rows[rows.length - 1]!.id;
      events.all(first, after);
      enr.all(first, after);
      snd.all(first, after);
      db.transaction(() => {
        for (const r of rows) {
          ins.run(r.id, r.email, AT, 'enrolment');
          ins.run(r.id, r.email, AT, 'planned');
        }
      })();
    }
  });
  return seconds;
}
