/**
 * The planning pass and the forecast on generated data, each reported as a ratio to a floor
 * measured in the same run on the same database (a raw better-sqlite3 scan of the same rows plus
 * the insert of the same number of rows). BENCH_LEADS sets the size.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApp } from '../src/app.js';
import { forecast } from '../src/run/forecast.js';
import { runOnce } from '../src/run/run.js';
import { DAY_MS, TestClock } from '../src/time/clock.js';

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
const TITLES = [
  'Marketing Manager',
  'VP Marketing',
  'Director of Sales Operations',
  'Marketing Associate',
  'CEO',
  'Intern',
];
const INDUSTRIES = ['SaaS', 'Software', 'Education', 'Retail', 'Financial Services'];
// A Sunday: every touch is planned (windows are closed), so the pass measures planning, not SMTP.
const AT = Date.parse('2026-11-22T12:00:00Z');

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

export async function benchPlanning(LEADS: number): Promise<void> {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'nurture-bench-'));
  cpSync(join(root, 'nurture.yaml'), join(dir, 'nurture.yaml'));
  for (const f of ['sequences', 'templates']) cpSync(join(root, f), join(dir, f), { recursive: true });
  const clock = new TestClock(AT);
  const app = openApp({ workspaceDir: dir, env: { NURTURE_SECRET: 'bench' }, clock });
  try {
    const insert = app.conn.sqlite.prepare(
      `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'confirmed', '{}', 0, 0)`,
    );
    const event = app.conn.sqlite.prepare(
      `INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, 'page_viewed', ?, 'https://x.example/pricing', ?, 0)`,
    );
    const [, genSeconds] = time(() =>
      app.conn.sqlite.transaction(() => {
        for (let i = 0; i < LEADS; i++) {
          const z = i % ZONES.length;
          const id = Number(
            insert.run(
              `lead${i}@company${i % 997}.example`,
              TITLES[i % TITLES.length],
              INDUSTRIES[i % INDUSTRIES.length],
              COUNTRIES[z],
              ZONES[z],
            ).lastInsertRowid,
          );
          if (i % 3 === 0) event.run(id, AT - (i % 40) * DAY_MS, `e${i}`);
        }
      })(),
    );

    // The floor: the same keyset-paged reads the run makes, and as many row inserts as it plans.
    const [, floorSeconds] = time(() => {
      const page = app.conn.sqlite.prepare('SELECT * FROM leads WHERE id > ? ORDER BY id LIMIT 1000');
      const events = app.conn.sqlite.prepare(
        'SELECT lead_id, type, occurred_at, url FROM events WHERE lead_id BETWEEN ? AND ?',
      );
      const enr = app.conn.sqlite.prepare('SELECT * FROM enrollments WHERE lead_id BETWEEN ? AND ?');
      const snd = app.conn.sqlite.prepare('SELECT * FROM sends WHERE lead_id BETWEEN ? AND ?');
      app.conn.sqlite.exec('CREATE TEMP TABLE floor_rows (a INTEGER, b TEXT, c INTEGER, d TEXT)');
      const ins = app.conn.sqlite.prepare('INSERT INTO floor_rows VALUES (?, ?, ?, ?)');
      let after = 0;
      for (;;) {
        const rows = page.all(after) as { id: number; email: string }[];
        if (rows.length === 0) break;
        const first = rows[0]!.id;
        after = rows[rows.length - 1]!.id;
        events.all(first, after);
        enr.all(first, after);
        snd.all(first, after);
        app.conn.sqlite.transaction(() => {
          for (const r of rows) {
            ins.run(r.id, r.email, AT, 'enrolment');
            ins.run(r.id, r.email, AT, 'planned');
          }
        })();
      }
    });

    const runStart = process.hrtime.bigint();
    const report = await runOnce(
      {
        conn: app.conn,
        workspace: app.workspace,
        renderer: app.renderer,
        mailer: app.mailer(),
        clock,
        secret: app.secret,
      },
      { at: AT },
    );
    const runSeconds = Number(process.hrtime.bigint() - runStart) / 1e9;
    const [calendar, forecastSeconds] = time(() =>
      forecast(app.conn, app.workspace, { from: AT, to: AT + 14 * DAY_MS }),
    );

    const rate = (s: number) => Math.round(LEADS / s).toLocaleString('en-US');
    console.log(`leads: ${LEADS.toLocaleString('en-US')} (generated in ${genSeconds.toFixed(2)} s)`);
    console.log(
      `floor (raw scan + ${2 * LEADS} inserts): ${floorSeconds.toFixed(2)} s, ${rate(floorSeconds)} leads/s`,
    );
    console.log(
      `planning run: ${runSeconds.toFixed(2)} s, ${rate(runSeconds)} leads/s, ${(runSeconds / floorSeconds).toFixed(2)}× floor (${report.counts.enrolled} enrolled, ${report.planned.length} planned)`,
    );
    console.log(
      `14-day forecast: ${forecastSeconds.toFixed(2)} s, ${rate(forecastSeconds)} leads/s, ${(forecastSeconds / floorSeconds).toFixed(2)}× floor (${calendar.items.length} touches)`,
    );
    // maxRSS is the kernel's high-water mark for this process, in KiB.
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

