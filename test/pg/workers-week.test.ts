import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { type Child, deferred, nurtureChild, stopChildren, within } from '../delivery/fixture.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import type { SinkTransfer, SmtpSink } from '../helpers/smtp-sink.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/** Monday 2026-11-23 00:00 UTC: a week of hourly ticks, Thanksgiving (a US holiday) inside it. */
const START = '2026-11-23T00:00:00Z';
const TICKS = 168;
/** The transfer held at the sink, whose worker is killed while it waits for the reply (after the 45 double opt-in confirmations of the first tick). */
const HOLD_AT = 80;
const CONNECTIONS = 2;

let cluster: PgCluster | undefined;
let sink: SmtpSink | undefined;
let ws: ReturnType<typeof tempWorkspace> | undefined;
const children: Child[] = [];
beforeAll(async () => {
  if (PG_TESTS) cluster = await startPgCluster();
});
afterAll(async () => {
  await stopChildren(children);
  await sink?.close();
  cluster?.stop();
  ws?.cleanup();
});

it.runIf(PG_TESTS)(
  'three workers share a week of hourly ticks on one PostgreSQL; one killed mid-send leaves only its message in flight uncertain, nothing is sent twice',
  async () => {
    const held = deferred<SinkTransfer>();
    const release = deferred();
    sink = await startSmtpSink({
      onMessage: (t) => {
        if (t.index !== HOLD_AT) return 'accept';
        held.resolve(t);
        return release.promise.then(() => 'accept' as const);
      },
    });
    ws = tempWorkspace();
    const yaml = join(ws.dir, 'nurture.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}\nsmtpPool: { connections: ${CONNECTIONS} }\n`);
    const cli = cliIn(ws.dir, new TestClock(Date.parse(START)));
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv', '--at', START)).status).toBe(0);
    const url = cluster!.url;
    expect((await cli('db', 'copy', '--to', url)).status).toBe(0);

    const worker = () => {
      const child = nurtureChild(ws!.dir, sink!.url, ['--db', url, 'worker', '--at', START, '--ticks', String(TICKS), '--every', 'PT1H', '--batch-size', '40']);
      children.push(child);
      return child;
    };
    const first = [worker(), worker(), worker()];
    const transfer = await within(held.promise, 240_000, `message ${HOLD_AT} at the sink (stderr: ${first.map((c) => c.stderr()).join('\n')})`);

    // The worker whose message is held: the one whose batch holds the lead the message is for.
    const pool = openPool(url, 2);
    try {
      const { rows: holders } = await pool.query<{ sendId: number; workerId: number; pid: number }>(
        `SELECT s.id AS "sendId", w.id AS "workerId", w.pid FROM sends s JOIN leads l ON l.id = s.lead_id
           JOIN run_batches b ON b.run_id = s.run_id AND s.lead_id > b.after_id AND s.lead_id <= b.last_id
           JOIN workers w ON w.id = b.worker_id
          WHERE s.status = 'sending' AND lower(l.email) = lower($1)`,
        [transfer.to[0]],
      );
      expect(holders).toHaveLength(1);
      const victim = first.find((c) => c.process.pid === holders[0]!.pid)!;
      expect(victim, 'the held message came from one of the three').toBeDefined();
      victim.process.kill('SIGKILL');
      expect(await within(victim.exited, 10_000, 'the killed worker to exit')).toEqual({ code: null, signal: 'SIGKILL' });
      release.resolve();
      const restarted = worker();

      const status = await cli('db', 'status', '--json', '--db', url);
      const alive = (JSON.parse(status.stdout) as { workers: { id: number; alive: boolean }[] }).workers.filter((w) => w.alive).map((w) => w.id);
      expect(alive.length, status.stdout).toBeGreaterThanOrEqual(2);
      expect(alive).not.toContain(holders[0]!.workerId);

      const survivors = [...first.filter((c) => c !== victim), restarted];
      for (const c of survivors)
        expect(await within(c.exited, 480_000, `a worker to finish the week (stderr: ${c.stderr()})`), c.stderr()).toEqual({ code: 0, signal: null });
      await sink.settled();

      // Nothing was received twice.
      const ids = sink.messages.map((m) => m.messageId);
      expect(ids.length).toBeGreaterThan(HOLD_AT);
      expect(new Set(ids).size).toBe(ids.length);

      // Uncertain: only what the dead worker had in hand (at most one message per connection), never resent.
      const { rows: sending } = await pool.query<{ id: number; workerId: number; ref: string }>(
        `SELECT s.id, b.worker_id AS "workerId", s.ref FROM sends s
           JOIN run_batches b ON b.run_id = s.run_id AND s.lead_id > b.after_id AND s.lead_id <= b.last_id
          WHERE s.status = 'sending'`,
      );
      expect(sending.length).toBeGreaterThanOrEqual(1);
      expect(sending.length).toBeLessThanOrEqual(CONNECTIONS);
      expect(sending.map((s) => s.id)).toContain(holders[0]!.sendId);
      expect(new Set(sending.map((s) => s.workerId))).toEqual(new Set([holders[0]!.workerId]));
      const reported = survivors.map((c) => c.stderr()).join('\n');
      expect(reported).toContain(`worker #${holders[0]!.workerId} (pid ${holders[0]!.pid} on `);
      expect(reported).toContain(`#${holders[0]!.sendId} ${transfer.to[0]!.toLowerCase()}`);

      // Every touch the database has as sent arrived, once; the held one arrived and stays uncertain.
      const touches = sink.messages.filter((m) => m.headers.get('x-nurture-sequence') !== 'double-opt-in').map((m) => m.messageId!);
      const { rows: sent } = await pool.query<{ messageId: string }>(`SELECT message_id AS "messageId" FROM sends WHERE status = 'sent'`);
      const recorded = new Set(sent.map((s) => s.messageId));
      expect(recorded.size).toBe(sent.length);
      // Unrecorded arrivals are the dead worker's messages in hand: the held one, and at most one
      // more per connection it had (delivered before the kill, its reply never recorded).
      const unrecorded = touches.filter((id) => !recorded.has(id));
      expect(unrecorded.length).toBeGreaterThanOrEqual(1);
      expect(unrecorded.length).toBeLessThanOrEqual(sending.length);
      // (A Message-ID is <ref@sender domain>: the claim gave the row its ref.)
      for (const id of unrecorded) expect(sending.some((s) => id.startsWith(`<${s.ref}@`)), id).toBe(true);
      expect([...recorded].filter((id) => !touches.includes(id))).toEqual([]);
      // The double opt-in confirmations, one per pending lead, each once.
      const { rows: confirmations } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM confirmations WHERE status = 'sent'`);
      expect(ids.length - touches.length).toBe(confirmations[0]!.n);

      // Every tick ran once and was closed; every batch of every tick was planned, by one worker;
      // each tick planned the leads due (all 300 on a full tick) and counted the others asleep.
      const { rows: runs } = await pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM runs GROUP BY status`);
      expect(runs).toEqual([{ status: 'finished', n: TICKS }]);
      const { rows: batches } = await pool.query<{ runs: number; pending: number; unowned: number; badLeads: number }>(
        `SELECT count(DISTINCT run_id)::int AS runs, count(*) FILTER (WHERE status <> 'planned')::int AS pending,
            count(*) FILTER (WHERE worker_id IS NULL)::int AS unowned,
            (SELECT count(*)::int FROM (SELECT run_id, sum(leads) AS leads FROM run_batches GROUP BY run_id) t JOIN runs r ON r.id = t.run_id
              WHERE t.leads <> (r.counts::json->>'leads')::int OR t.leads + (r.counts::json->>'asleep')::int <> 300) AS "badLeads"
           FROM run_batches`,
      );
      expect(batches).toEqual([{ runs: TICKS, pending: 0, unowned: 0, badLeads: 0 }]);
      const { rows: modes } = await pool.query<{ full: number; incremental: number }>(
        `SELECT count(*) FILTER (WHERE (counts::json->>'asleep')::int = 0)::int AS full, count(*) FILTER (WHERE (counts::json->>'asleep')::int > 150)::int AS incremental FROM runs`,
      );
      expect(modes[0]!.full).toBeGreaterThanOrEqual(1);
      expect(modes[0]!.incremental).toBeGreaterThan(TICKS / 2);
      const { rows: planners } = await pool.query<{ n: number }>('SELECT count(DISTINCT worker_id)::int AS n FROM run_batches');
      expect(planners[0]!.n).toBeGreaterThanOrEqual(3);
    } finally {
      await pool.end();
    }
  },
  600_000,
);
