import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { AT, acmeLeads, attemptRows, type DeliveryWorkspace, deliveryWorkspace, sendRows } from './fixture.js';

/**
 * `nurture outbox resolve` settles what a crash left uncertain. The crash itself is covered by
 * crash-and-lock.test.ts (a real SIGKILL); here the rows are put in the state it leaves them in
 * (claimed, ref and claim time set, never confirmed), so each way of resolving can be tried.
 */
const HOUR = 3_600_000;
const at = (offset: number) => new Date(Date.parse(AT) + offset).toISOString();

function write(dbPath: string, sql: string, ...params: unknown[]): void {
  const db = new Database(dbPath);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

describe('resolving uncertain sends by hand', () => {
  let ws: DeliveryWorkspace | undefined;
  afterEach(() => ws?.cleanup());

  it('retries one, drops another, and refuses while a live run holds the database', async () => {
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    const cli = ws.cli('file:./outbox');
    expect((await cli('run', '--at', AT)).status).toBe(0);
    const crashed = (email: string) => sendRows(ws!.dbPath).find((r) => r.email === email && r.status === 'sent')!;
    for (const email of ['ann@acme-analytics.com', 'bob@acme-analytics.com'])
      write(ws.dbPath, "UPDATE sends SET status = 'sending', message_id = NULL WHERE id = ?", crashed(email).id);
    const ids = (JSON.parse((await cli('outbox', 'uncertain', '--json')).stdout) as { uncertain: { id: number; lead: string }[] }).uncertain;
    expect(ids.map((u) => u.lead)).toEqual(['ann@acme-analytics.com', 'bob@acme-analytics.com']);
    const [ann, bob] = ids.map((u) => String(u.id));

    // A run that is alive (this very process) holds the lock: it may be sending that touch now.
    write(ws.dbPath, 'INSERT INTO run_lock (id, run_id, pid, host, acquired_at) VALUES (1, 99, ?, ?, 0)', process.pid, hostname());
    const refused = await cli('outbox', 'resolve', ann!, '--retry');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('another run (#99');
    write(ws.dbPath, 'DELETE FROM run_lock');

    expect((await cli('outbox', 'resolve', ann!)).stderr).toContain('exactly one of --sent, --retry, --skip');
    // Resolved the next day, by the wall clock: the retry is due from the claim, not from then.
    ws.clock.advance(24 * HOUR);
    expect((await cli('outbox', 'resolve', ann!, '--retry')).status).toBe(0);
    expect((await cli('outbox', 'resolve', bob!, '--skip')).status).toBe(0);
    expect((await cli('outbox', 'resolve', bob!, '--sent')).stderr).toContain(`send ${bob} is not uncertain`);
    expect(attemptRows(ws.dbPath, 'ann@acme-analytics.com').at(-1)?.response).toBe('resolved by hand (retry) with nurture outbox resolve');

    // The next run sends ann's touch again, and never bob's.
    const next = JSON.parse((await cli('run', '--at', at(HOUR), '--json')).stdout) as RunReport;
    expect(next.sent.map((s) => `${s.lead} ${s.step}`)).toEqual([`ann@acme-analytics.com ${crashed('ann@acme-analytics.com').stepId}`]);
    expect(sendRows(ws.dbPath).filter((r) => r.email === 'bob@acme-analytics.com').map((r) => r.status)).toContain('skipped');
    expect((JSON.parse((await cli('outbox', 'uncertain', '--json')).stdout) as { uncertain: unknown[] }).uncertain).toEqual([]);
  });

  it('refuses a retry once the enrolment has moved on past the uncertain touch', async () => {
    ws = await deliveryWorkspace(acmeLeads(['cyd']));
    const cli = ws.cli('file:./outbox');
    expect((await cli('run', '--at', AT)).status).toBe(0);
    const [first] = sendRows(ws.dbPath).filter((r) => r.status === 'sent');
    write(ws.dbPath, "UPDATE sends SET status = 'sending', message_id = NULL WHERE id = ?", first!.id);
    // Runs count the uncertain touch as done and send the next step when it is due.
    for (let day = 1; day <= 10 && sendRows(ws.dbPath).filter((r) => r.status === 'sent').length === 0; day++)
      expect((await cli('run', '--at', at(day * 24 * HOUR))).status).toBe(0);
    expect(sendRows(ws.dbPath).filter((r) => r.status === 'sent')).toHaveLength(1);
    const retry = await cli('outbox', 'resolve', String(first!.id), '--retry');
    expect(retry.status).not.toBe(0);
    expect(retry.stderr).toContain('a retry would never be sent; use --sent or --skip');
    expect((await cli('outbox', 'resolve', String(first!.id), '--sent')).status).toBe(0);
  });
});
