/**
 * Scoring on generated data: full fit scoring of every lead, a full rescoring (fit + engagement
 * over every event), and incremental rescoring after importing new events. Each figure is also
 * given as a ratio to a raw better-sqlite3 scan of the same rows, measured in the same run on the
 * same database. BENCH_LEADS sets the size (the target is 1,000,000 leads with
 * 10,000,000 events); BENCH_EVENTS_PER_LEAD (default 10) the events per lead.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type App, openApp } from '../src/app.js';
import { fitFields, fitScore, scoreLead } from '../src/domain/scoring.js';
import { importEvents } from '../src/io/import.js';
import { leadBatches } from '../src/run/context.js';
import { rescoreLeads } from '../src/run/rescore.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';
import { benchWorkspace } from './workspace.js';

const AT = Date.parse('2026-11-23T12:00:00Z');
const TITLES = ['Marketing Manager', 'VP Marketing', 'Director of Sales Operations', 'Marketing Associate', 'CEO', 'Intern', 'Student'];
const INDUSTRIES = ['SaaS', 'Software', 'Education', 'Retail', 'Financial Services', 'Government'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'brightstack.example', 'acme.example', 'kestrel.example'];
const SIZES = ['1-10', '11-50', '51-200', '201-1000', '1000+'];
const EVENTS: [string, string][] = [
  ['email_opened', ''],
  ['email_opened', ''],
  ['email_clicked', ''],
  ['page_viewed', 'https://tidewater.example/pricing'],
  ['page_viewed', 'https://tidewater.example/blog/csv'],
  ['page_viewed', 'https://tidewater.example/careers'],
  ['webinar_attended', ''],
  ['content_downloaded', ''],
  ['form_submitted', ''],
  ['email_opened', ''],
];

function seconds<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

/** A cheap deterministic generator (xorshift), so every run builds the same data. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function generate(app: App, leads: number, perLead: number): void {
  const db = app.conn.sqlite;
  const lead = db.prepare(
    `INSERT INTO leads (email, job_title, industry, country, consent, attributes, created_at, updated_at)
     VALUES (?, ?, ?, 'US', 'confirmed', ?, 0, 0)`,
  );
  const event = db.prepare(
    'INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, ?, ?, ?, ?, 0)',
  );
  const rnd = random(42);
  let n = 0;
  for (let start = 0; start < leads; start += 50_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(leads, start + 50_000); i++) {
        const attrs = JSON.stringify({ company_size: SIZES[i % SIZES.length] });
        const email = `lead${i}@${DOMAINS[i % DOMAINS.length]}`;
        const id = Number(lead.run(email, TITLES[i % TITLES.length], INDUSTRIES[i % INDUSTRIES.length], attrs).lastInsertRowid);
        for (let k = 0; k < perLead; k++) {
          const [type, url] = EVENTS[Math.floor(rnd() * EVENTS.length)]!;
          event.run(id, type, AT - Math.floor(rnd() * 180 * DAY_MS), url, `g${n++}`);
        }
      }
    })();
  }
}

/** The floor for full scoring: every lead row read with a raw, unpaged better-sqlite3 scan. */
function rawLeadScan(app: App): number {
  let n = 0;
  for (const row of app.conn.sqlite.prepare('SELECT * FROM leads').raw().iterate()) if (row) n++;
  return n;
}

function rawLeadAndEventScan(app: App): number {
  let n = rawLeadScan(app);
  for (const row of app.conn.sqlite.prepare('SELECT lead_id, type, occurred_at, url, properties FROM events').raw().iterate())
    if (row) n++;
  return n;
}

/** Full fit scoring: every lead streamed once with the fields its fit rules read, the rules applied. */
function fitAll(app: App): number {
  const model = app.workspace.scoring;
  let total = 0;
  for (const lead of app.stores.leads.scanForFit(fitFields(model))) total += fitScore(model, lead);
  return total;
}

function scoreAll(app: App): number {
  let n = 0;
  for (const batch of leadBatches(app.stores, 2000)) {
    for (const { state } of batch) scoreLead(app.workspace.scoring, state.profile, state.events, AT);
    n += batch.length;
  }
  return n;
}

/** New events for random existing leads, written as a CSV file the importer reads. */
function newEventsFile(dir: string, leads: number, count: number, seed: number): { path: string; ids: Set<number> } {
  const rnd = random(seed);
  const ids = new Set<number>();
  const lines = ['id,email,type,occurred_at,url'];
  for (let i = 0; i < count; i++) {
    const lead = Math.floor(rnd() * leads);
    ids.add(lead + 1);
    const [type, url] = EVENTS[Math.floor(rnd() * EVENTS.length)]!;
    const at = new Date(AT - Math.floor(rnd() * 7 * DAY_MS)).toISOString();
    lines.push(`new-${seed}-${i},lead${lead}@${DOMAINS[lead % DOMAINS.length]},${type},${at},${url}`);
  }
  const path = join(dir, `events-${seed}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, ids };
}

/** The floor for incremental rescoring: the touched leads and their events read raw, by id. */
function rawTouchedScan(app: App, ids: Iterable<number>): number {
  const lead = app.conn.sqlite.prepare('SELECT * FROM leads WHERE id = ?').raw();
  const events = app.conn.sqlite.prepare('SELECT lead_id, type, occurred_at, url, properties FROM events WHERE lead_id = ?').raw();
  let n = 0;
  for (const id of [...ids].sort((a, b) => a - b)) n += (lead.get(id) ? 1 : 0) + events.all(id).length;
  return n;
}

async function incremental(app: App, dir: string, leads: number, count: number, seed: number): Promise<string> {
  const file = newEventsFile(dir, leads, count, seed);
  const importStart = process.hrtime.bigint();
  const report = await importEvents(app.stores, file.path, AT);
  const importSeconds = Number(process.hrtime.bigint() - importStart) / 1e9;
  const [, floor] = seconds(() => rawTouchedScan(app, file.ids));
  const [r, rescore] = seconds(() => rescoreLeads(app.stores, app.workspace.scoring, file.ids, AT, 'bench'));
  return (
    `${count.toLocaleString('en-US')} new events (${report.inserted} stored, ${r.rescored} leads touched): ` +
    `import ${importSeconds.toFixed(2)} s, rescoring ${rescore.toFixed(2)} s = ${((rescore / count) * 1e6).toFixed(1)} µs/event, ` +
    `${(rescore / floor).toFixed(2)}× raw scan of the touched rows (${floor.toFixed(2)} s); ${r.history} history rows, ${r.handoffs} handoffs`
  );
}

export async function benchScoring(leads: number): Promise<void> {
  const perLead = Number(process.env.BENCH_EVENTS_PER_LEAD ?? 10);
  const dir = benchWorkspace('nurture-bench-scoring');
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock: new TestClock(AT) });
  try {
    const [, genSeconds] = seconds(() => generate(app, leads, perLead));
    const rate = (s: number) => Math.round(leads / s).toLocaleString('en-US');
    console.log(
      `leads: ${leads.toLocaleString('en-US')}, events: ${(leads * perLead).toLocaleString('en-US')} (generated in ${genSeconds.toFixed(1)} s)`,
    );
    rawLeadAndEventScan(app); // warm the page cache, so neither side pays for the first read
    const [, fitFloor] = seconds(() => rawLeadScan(app));
    const [, fit] = seconds(() => fitAll(app));
    console.log(
      `full fit scoring: ${fit.toFixed(2)} s, ${rate(fit)} leads/s, ${(fit / fitFloor).toFixed(2)}× raw scan of the leads (${fitFloor.toFixed(2)} s, ${rate(fitFloor)} rows/s)`,
    );
    const [, fullFloor] = seconds(() => rawLeadAndEventScan(app));
    const [, full] = seconds(() => scoreAll(app));
    console.log(
      `full scoring (fit + decayed engagement): ${full.toFixed(2)} s, ${rate(full)} leads/s, ${(full / fullFloor).toFixed(2)}× raw scan of leads + events (${fullFloor.toFixed(2)} s)`,
    );
    for (const [count, seed] of [[10_000, 7], [100_000, 8]] as const) console.log(await incremental(app, dir, leads, count, seed));
    // maxRSS is the kernel's high-water mark for this process, in KiB.
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await benchScoring(Number(process.env.BENCH_LEADS ?? 100_000));
}
