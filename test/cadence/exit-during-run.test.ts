import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import type { Mailer } from '../../src/mail/transport.js';
import { runOnce } from '../../src/run/run.js';
import { TestClock, tempWorkspace } from '../helpers/workspace.js';

/** A reply recorded while a run is sending ends the sequence before that lead's next touch of the same run. */

let cleanup = () => {};
afterEach(() => cleanup());

it('exits at once on a reply recorded between two sends of the same run', async () => {
  const ws = tempWorkspace();
  cleanup = ws.cleanup;
  const edit = (file: string, fn: (t: string) => string) =>
    writeFileSync(join(ws.dir, file), fn(readFileSync(join(ws.dir, file), 'utf8')));
  // No caps, no gap, an always-open window and back-to-back steps: one run could send them all.
  edit('nurture.yaml', (t) =>
    t
      .replace(/caps:\n(\s+- \{[^\n]*\n)+/, 'caps: []\n')
      .replace('minGap: PT36H', 'minGap: PT0S')
      .replace('days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"', 'days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00"'),
  );
  edit('sequences/new-signups.yaml', (t) => t.replace(/wait: P\dD/g, 'wait: P0D'));
  const at = Date.parse('2026-11-24T15:00:00Z');
  const app = openApp({ workspaceDir: ws.dir, env: { NURTURE_SECRET: 'test' }, clock: new TestClock(at) });
  try {
    const db = app.conn.sqlite;
    const id = Number(
      db
        .prepare(
          `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
           VALUES ('ada@example.com', 'VP Marketing', 'SaaS', 'US', 'America/New_York', 'confirmed', '{}', 0, 0)`,
        )
        .run().lastInsertRowid,
    );
    const inner = app.mailer();
    let replied = false;
    const mailer: Mailer = {
      describe: () => inner.describe(),
      close: () => inner.close(),
      async deliver(message) {
        const result = await inner.deliver(message);
        if (!replied) {
          replied = true;
          db.prepare(
            `INSERT INTO events (lead_id, type, occurred_at, url, dedupe_key, recorded_at) VALUES (?, 'replied', ?, '', 'reply-1', ?)`,
          ).run(id, at, at);
        }
        return result;
      },
    };
    const report = await runOnce(
      { conn: app.conn, workspace: app.workspace, renderer: app.renderer, mailer, clock: new TestClock(at), secret: app.secret },
      { at },
    );
    expect(report.sent.map((s) => `${s.sequence}/${s.step}`)).toEqual(['new-signups/pain']);
    const enrollment = db
      .prepare(`SELECT status, reason FROM enrollments WHERE lead_id = ? AND sequence_id = 'new-signups'`)
      .get(id);
    expect(enrollment).toEqual({ status: 'exited', reason: 'event replied' });
  } finally {
    app.close();
  }
});
