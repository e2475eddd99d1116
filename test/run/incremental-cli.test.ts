import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { LeadStore } from '../../src/db/leads.js';
import { PlanMeta } from '../../src/db/plan-meta.js';
import { openApp, runDeps } from '../../src/app.js';
import { DIGEST_KEY } from '../../src/run/plan-digest.js';
import { runOnce } from '../../src/run/run.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * Who wakes a sleeping lead (issue 16): every writer of the planner's input, through the input
 * triggers of migration 0009, and nobody writing the run's own outputs. And `run --full`.
 */
const AT = Date.parse('2026-11-24T15:00:00Z');
const HOUR = 3_600_000;

describe('incremental runs: wakes and run --full', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  async function workspace() {
    const ws = tempWorkspace();
    cleanup = ws.cleanup;
    const clock = new TestClock(AT);
    const cli = cliIn(ws.dir, clock);
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', new Date(AT).toISOString())).status).toBe(0);
    const db = () => openDatabase(join(ws.dir, '.nurture', 'nurture.db'));
    const run = async (at: number, ...flags: string[]) => {
      clock.set(at);
      const r = await cli('--json', 'run', '--at', new Date(at).toISOString(), ...flags);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { counts: Record<string, number>; replan: { mode: string; why: string } };
    };
    return { ws, cli, db, run, clock };
  }

  it('plans everyone first, then only the leads due or changed; --full replans everyone', async () => {
    const { run, cli } = await workspace();
    const first = await run(AT);
    expect(first.replan).toEqual({ mode: 'full', why: 'no full run has completed since the rules were last read (first run, or one stopped halfway)' });
    expect(first.counts.leads).toBe(300);
    expect(first.counts.asleep).toBe(0);
    const second = await run(AT + HOUR);
    expect(second.replan.mode).toBe('incremental');
    expect(second.counts.leads! + second.counts.asleep!).toBe(300);
    expect(second.counts.asleep).toBeGreaterThan(200);
    const full = await run(AT + 2 * HOUR, '--full');
    expect(full.replan).toEqual({ mode: 'full', why: 'asked (--full)' });
    expect(full.counts.leads).toBe(300);
    const help = await cli('run', '--help');
    expect(help.stdout).toContain('--full');
    expect(help.stdout).toContain('replan every lead');
  });

  it('a full run stopped halfway leaves no digest behind: reverting the edit still replans everyone', async () => {
    const { ws, run, clock } = await workspace();
    await run(AT);
    const path = join(ws.dir, 'nurture.yaml');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('{ max: 3, per: P7D }', '{ max: 2, per: P7D }'));
    // The edited rules' full run, stopped (SIGTERM) after its first batch: some leads are planned by them.
    clock.set(AT + HOUR);
    const app = openApp({ workspaceDir: ws.dir, env: {}, clock });
    const stop = new AbortController();
    try {
      const partial = await runOnce({ ...runDeps(app), signal: stop.signal, onProgress: () => stop.abort() }, { at: AT + HOUR, batchSize: 50 });
      expect(partial.replan.mode).toBe('full');
      expect(partial.counts.leads).toBeLessThan(300);
      expect(new PlanMeta(app.conn.sqlite).get(DIGEST_KEY)).toBeUndefined();
    } finally {
      app.close();
    }
    writeFileSync(path, original);
    const reverted = await run(AT + 2 * HOUR);
    expect(reverted.replan.mode).toBe('full');
    expect(reverted.counts.leads).toBe(300);
    expect((await run(AT + 3 * HOUR)).replan.mode).toBe('incremental');
  });

  it('a workspace edit replans everyone once', async () => {
    const { ws, run } = await workspace();
    await run(AT);
    expect((await run(AT + HOUR)).replan.mode).toBe('incremental');
    const path = join(ws.dir, 'nurture.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('{ max: 3, per: P7D }', '{ max: 2, per: P7D }'));
    const edited = await run(AT + 2 * HOUR);
    expect(edited.replan).toEqual({ mode: 'full', why: "the planning rules or the day's snapshot changed" });
    expect(edited.counts.leads).toBe(300);
    expect((await run(AT + 3 * HOUR)).replan.mode).toBe('incremental');
    // A key the planner never reads replans nobody.
    writeFileSync(path, readFileSync(path, 'utf8').replace('baseUrl: http://127.0.0.1:8787', 'baseUrl: http://127.0.0.1:8788'));
    expect((await run(AT + 4 * HOUR)).replan.mode).toBe('incremental');
  });

  it('every writer of the planner input wakes the lead; the run writing its outputs wakes nobody', async () => {
    const { cli, db, run, ws } = await workspace();
    await run(AT);
    const conn = db();
    try {
      const wake = (email: string) => conn.sqlite.prepare('SELECT wake_at FROM leads WHERE email = ?').pluck().get(email) as number;
      const emails = conn.sqlite.prepare('SELECT email FROM leads WHERE wake_at > ? ORDER BY id LIMIT 6').pluck().all(AT + HOUR) as string[];
      expect(emails).toHaveLength(6);
      const [a, b, c, d, e, f] = emails as [string, string, string, string, string, string];
      // The run's own writes: scores, stage, wake.
      conn.sqlite.prepare("UPDATE leads SET score = score + 1, stage = 'desire', scored_at = 1 WHERE email = ?").run(a);
      expect(wake(a)).toBeGreaterThan(AT + HOUR);
      // An import that changes nothing wakes nobody; one that changes a field does.
      writeFileSync(join(ws.dir, 'same.csv'), `email,consent\n${b},${conn.sqlite.prepare('SELECT consent FROM leads WHERE email = ?').pluck().get(b) as string}\n`);
      expect((await cli('leads', 'import', 'same.csv')).status).toBe(0);
      expect(wake(b)).toBeGreaterThan(AT + HOUR);
      writeFileSync(join(ws.dir, 'title.csv'), `email,job_title\n${b},Chief Revenue Officer\n`);
      expect((await cli('leads', 'import', 'title.csv')).status).toBe(0);
      expect(wake(b)).toBe(0);
      writeFileSync(join(ws.dir, 'event.csv'), `email,type,occurred_at\n${c},webinar_attended,2026-11-24T15:30:00Z\n`);
      expect((await cli('events', 'import', 'event.csv', '--at', '2026-11-24T16:00:00Z')).status).toBe(0);
      expect(wake(c)).toBe(0);
      expect((await cli('leads', 'pause', d, '--until', '2026-12-01')).status).toBe(0);
      expect(wake(d)).toBe(0);
      conn.sqlite.prepare('UPDATE leads SET wake_at = ? WHERE email = ?').run(AT + 100 * HOUR, d);
      expect((await cli('leads', 'resume', d)).status).toBe(0);
      expect(wake(d)).toBe(0);
      // A claimed send that settles (here: resolved by hand) wakes its lead.
      const leadE = conn.sqlite.prepare('SELECT id FROM leads WHERE email = ?').pluck().get(e) as number;
      const enrollment = Number(conn.sqlite.prepare("INSERT INTO enrollments (lead_id, sequence_id, status, enrolled_at) VALUES (?, 'zz-test', 'active', ?)").run(leadE, AT).lastInsertRowid);
      const send = Number(
        conn.sqlite
          .prepare("INSERT INTO sends (enrollment_id, lead_id, sequence_id, step_id, force, status, planned_at, due_at, sent_at, ref, updated_at) VALUES (?, ?, 'zz-test', 's1', 'push', 'sending', ?, ?, ?, 'r', ?)")
          .run(enrollment, leadE, AT, AT, AT, AT).lastInsertRowid,
      );
      expect(wake(e)).toBeGreaterThan(AT + HOUR);
      conn.sqlite.prepare("UPDATE sends SET status = 'skipped' WHERE id = ?").run(send);
      expect(wake(e)).toBe(0);
      // A wake computed from input older than the lead's (changed while a run planned it) is not kept.
      const leads = new LeadStore(conn.sqlite);
      const before = leads.findByEmail(f)!;
      conn.sqlite.prepare("UPDATE leads SET company = 'Moved Inc' WHERE email = ?").run(f);
      leads.setWakes([before.id, AT + 50 * HOUR, before.inputVersion]);
      expect(wake(f)).toBe(0);
      const fresh = leads.findByEmail(f)!;
      leads.setWakes([fresh.id, AT + 50 * HOUR, fresh.inputVersion]);
      expect(wake(f)).toBe(AT + 50 * HOUR);
    } finally {
      conn.close();
    }
  });
});
