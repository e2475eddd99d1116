import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/db/outbox.js';
import { PauseStore } from '../../src/db/pauses.js';
import { leadsWorkspace, leadsWorkspaces } from './support.js';

/**
 * `leads pause` end to end: hourly runs send the paused lead nothing during the pause, then
 * resume under the caps, exactly as the calendar forecast said when the pause was recorded.
 */

const HOUR = 3_600_000;
const ANA = 'ana@brightstack.example';

describe('leads pause and resume', () => {
  const ws = leadsWorkspaces();

  it('holds every touch during the pause in runs and forecast, then resumes under the caps', { timeout: 60_000 }, async () => {
    const w = await ws();
    const first = Date.parse('2026-11-23T15:00:00Z');
    expect((await w.cli('run', '--at', new Date(first).toISOString())).status).toBe(0);
    const paused = await w.cli('leads', 'pause', ANA, '--until', '2026-11-30');
    expect(paused.stdout).toBe(
      `${ANA} paused until 2026-11-30T00:00:00-05:00: no mail before then; what waits goes out afterwards, one touch per run under the caps`,
    );
    const until = Date.parse('2026-11-30T05:00:00Z');
    const from = first + HOUR;
    const end = from + 14 * 24 * HOUR;
    const forecast = JSON.parse(
      (await w.cli('calendar', '--lead', ANA, '--from', new Date(from).toISOString(), '--to', new Date(end).toISOString(), '--json')).stdout,
    ) as { items: { step: string; at: string; reason: string }[] };
    expect(forecast.items[0]!.reason).toMatch(/^pause: paused until 2026-11-30T00:00:00-05:00/);
    const explained = JSON.parse((await w.cli('explain', ANA, '--at', new Date(from).toISOString(), '--json')).stdout) as {
      noMail: unknown;
    };
    expect(explained.noMail).toEqual({ cause: 'paused', reason: 'paused until 2026-11-30T00:00:00-05:00', until: '2026-11-30T00:00:00-05:00' });

    // Hourly runs, but only those inside the send window (09:00–17:00 New York, EST, Mon–Fri):
    // the others can send nothing (invariant 4), and each run here opens the workspace afresh.
    for (let t = from; t < end; t += HOUR) {
      const d = new Date(t);
      if (d.getUTCHours() < 14 || d.getUTCHours() >= 22 || [0, 6].includes(d.getUTCDay())) continue;
      expect((await w.cli('run', '--at', d.toISOString())).status).toBe(0);
    }
    const sent = w.query<{ step: string; at: number }>(
      `SELECT s.step_id AS step, s.sent_at AS at FROM sends s JOIN leads l ON l.id = s.lead_id
        WHERE l.email = ? AND s.status = 'sent' ORDER BY s.sent_at`,
      ANA,
    );
    const after = sent.filter((s) => s.at >= from);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((s) => s.at >= until)).toBe(true);
    // What the runs sent is what the forecast showed when the pause was recorded (invariant 7).
    expect(after.map((s) => s.step)).toEqual(forecast.items.map((i) => i.step));
    expect(after.map((s) => s.at)).toEqual(forecast.items.map((i) => Date.parse(i.at)));
    // The caps and the gap of nurture.yaml: 1 a day, 3 a week, 36 hours apart.
    const times = sent.map((s) => s.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(36 * HOUR);
    for (const t of times) expect(times.filter((u) => u > t - 7 * 24 * HOUR && u <= t).length).toBeLessThanOrEqual(3);
  });

  it('pauses until resumed, says so, and refuses an end in the past', async () => {
    const w = await ws();
    expect((await w.cli('leads', 'pause', ANA)).stdout).toBe(`${ANA} paused until resumed (nurture leads resume ${ANA})`);
    const json = JSON.parse((await w.cli('run', '--at', '2026-11-23T15:00:00Z', '--dry-run', '--json')).stdout) as {
      sent: unknown[];
      idle: Record<string, number>;
    };
    expect(json.sent).toEqual([]);
    expect(json.idle.paused).toBe(1);
    const list = JSON.parse((await w.cli('leads', 'list', '--where', `email=${ANA}`, '--json')).stdout) as { leads: { paused: unknown }[] };
    expect(list.leads[0]!.paused).toEqual({ until: null });
    expect((await w.cli('leads', 'resume', ANA)).stdout).toBe(
      `${ANA} resumed: the next run plans it again (one overdue touch per run, under the caps)`,
    );
    expect((await w.cli('leads', 'resume', ANA)).stdout).toBe(`${ANA} was not paused`);
    expect(w.query('SELECT paused_at, paused_until FROM leads WHERE email = ?', ANA)).toEqual([{ paused_at: null, paused_until: null }]);
    const past = await w.cli('leads', 'pause', ANA, '--until', '2026-11-01');
    expect([past.status, past.stderr]).toEqual([
      1,
      'nurture: --until: 2026-11-01T00:00:00-04:00 is not in the future (now 2026-11-23T07:00:00-05:00)',
    ]);
    const bad = await w.cli('leads', 'pause', ANA, '--until', 'next week');
    expect([bad.status, bad.stderr]).toEqual([
      1,
      'nurture: --until: "next week" is not an ISO 8601 date or date-time (e.g. 2026-11-24T09:00:00-05:00)',
    ]);
  });
});

describe('a pause recorded while a run is under way', () => {
  it('stops the claim of a touch the run planned before it (the claim re-checks the pause)', async () => {
    const w = await leadsWorkspace();
    try {
      expect((await w.cli('run', '--at', '2026-11-23T15:00:00Z')).status).toBe(0);
      const [planned] = w.query<{ id: number; lead_id: number; planned_at: number }>(
        "SELECT s.id, s.lead_id, s.planned_at FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ? AND s.status = 'planned'",
        ANA,
      );
      const db = new Database(w.path('.nurture/nurture.db'));
      try {
        const outbox = new Outbox(db);
        const pauses = new PauseStore(db);
        const at = planned!.planned_at;
        pauses.pause(planned!.lead_id, at - HOUR, null);
        expect(outbox.claim(planned!.id, 'ref-1', planned!.lead_id, ['confirmed'], 0, at)).toBe(false);
        pauses.pause(planned!.lead_id, at - HOUR, at);
        expect(outbox.claim(planned!.id, 'ref-1', planned!.lead_id, ['confirmed'], 0, at)).toBe(true);
      } finally {
        db.close();
      }
    } finally {
      w.cleanup();
    }
  });
});
