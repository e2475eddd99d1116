import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import {
  AT,
  acmeLeads,
  type Child,
  type DeliveryWorkspace,
  deferred,
  deliveryWorkspace,
  holdFirstMessage,
  nurtureChild,
  query,
  sendRows,
  stopChildren,
  within,
  withConnections,
} from './fixture.js';

/**
 * The real binary in child processes: a run killed with SIGKILL while the server holds its reply,
 * and two runs started at the same moment on one database. Assertions are on what the SMTP
 * server actually received and on the database, read directly.
 */
const EMAILS = ['ann', 'bob', 'cyd', 'dee'].map((n) => `${n}@acme-analytics.com`);
/** One pooled connection: exactly one message is in flight when the server holds its reply. */

describe('crashes and concurrent runs', () => {
  let sink: SmtpSink | undefined;
  let ws: DeliveryWorkspace | undefined;
  const children: Child[] = [];
  afterEach(async () => {
    await stopChildren(children);
    children.length = 0;
    await sink?.close();
    ws?.cleanup();
  });

  it('a run killed with SIGKILL mid-send leaves that message uncertain: reported, never resent; the rest go out', async () => {
    const { held, release, onMessage } = holdFirstMessage();
    sink = await startSmtpSink({ onMessage });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd', 'dee']), withConnections(1));
    const run = nurtureChild(ws.dir, sink.url, ['run', '--at', AT]);
    children.push(run);

    const transfer = await within(held.promise, 30_000, `the first message to reach the sink (run stderr: ${run.stderr()})`);
    const inFlight = transfer.to[0]!;
    run.process.kill('SIGKILL');
    expect(await within(run.exited, 5_000, 'the killed run to exit')).toEqual({ code: null, signal: 'SIGKILL' });
    // The server got the whole message; it now accepts it, though nobody is left to hear the answer.
    const accepted = once(sink.events, 'message');
    release.resolve();
    await within(accepted, 5_000, 'the held message to be accepted');
    expect(sink.countTo(inFlight)).toBe(1);

    const afterKill = sendRows(ws.dbPath);
    expect(afterKill.filter((r) => r.status === 'sending').map((r) => r.email)).toEqual([inFlight]);
    expect(afterKill.filter((r) => r.status === 'sent')).toEqual([]);
    const deadLock = query<{ pid: number }>(ws.dbPath, 'SELECT pid FROM run_lock');
    expect(deadLock).toEqual([{ pid: run.process.pid }]);

    // The next run takes over the dead process's lock, reports the uncertain message and sends the rest.
    const cli = ws.cli(sink.url);
    const next = await cli('run', '--at', new Date(Date.parse(AT) + 5 * 60_000).toISOString(), '--json');
    expect(next.status, next.stderr).toBe(0);
    const report = JSON.parse(next.stdout) as RunReport;
    const uncertain = report.skipped.filter((s) => s.reason?.startsWith('uncertain: claimed by an earlier run'));
    expect(uncertain).toHaveLength(1);
    expect(uncertain[0]).toMatchObject({ sequence: 'new-signups', step: 'pain' });
    const [leadId] = query<{ id: number }>(ws.dbPath, 'SELECT id FROM leads WHERE email = ?', inFlight);
    // The contract says `lead` is the email; the lead's id is accepted here until run.ts reports it.
    expect([inFlight, String(leadId!.id)]).toContain(uncertain[0]!.lead);
    const rest = EMAILS.filter((e) => e !== inFlight);
    expect(report.sent.map((s) => s.lead).sort()).toEqual(rest);
    await sink.settled();
    expect(sink.countTo(inFlight), 'the uncertain message is not resent').toBe(1);
    for (const e of rest) expect(sink.countTo(e)).toBe(1);
    expect(query(ws.dbPath, 'SELECT pid FROM run_lock')).toEqual([]);
    const runs = query<{ status: string; error: string | null }>(ws.dbPath, 'SELECT status, error FROM runs ORDER BY id');
    expect(runs).toEqual([
      { status: 'failed', error: `process ${run.process.pid} died mid-run; lock taken over by run #2` },
      { status: 'finished', error: null },
    ]);

    // And again an hour later: still reported, still not resent.
    const later = await cli('run', '--at', new Date(Date.parse(AT) + 3_600_000).toISOString(), '--json');
    expect(later.status, later.stderr).toBe(0);
    expect((JSON.parse(later.stdout) as RunReport).sent).toEqual([]);
    await sink.settled();
    expect(sink.messages).toHaveLength(EMAILS.length);

    // The operator finds its Message-ID in the relay's log and settles it by hand: kept as sent.
    const listed = await cli('outbox', 'uncertain', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    const [row] = (JSON.parse(listed.stdout) as { uncertain: { id: number; lead: string; messageId: string }[] }).uncertain;
    expect(row).toMatchObject({ lead: inFlight, messageId: sink.messagesTo(inFlight)[0]!.messageId });
    const resolved = await cli('outbox', 'resolve', String(row!.id), '--sent');
    expect(resolved.status, resolved.stderr).toBe(0);
    expect(sendRows(ws.dbPath).find((r) => r.email === inFlight)?.status).toBe('sent');
    const settled = await cli('run', '--at', new Date(Date.parse(AT) + 2 * 3_600_000).toISOString(), '--json');
    const settledReport = JSON.parse(settled.stdout) as RunReport;
    expect(settledReport.skipped.filter((s) => s.reason?.startsWith('uncertain'))).toEqual([]);
    expect(settledReport.sent).toEqual([]);
  });

  it('two runs started at the same moment never send a message twice; the refused one says why', async () => {
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd', 'dee']));
    const cli = ws.cli('file:./outbox');
    const dry = await cli('run', '--at', AT, '--dry-run', '--json');
    expect(dry.status, dry.stderr).toBe(0);
    const key = (s: { lead: string; sequence: string; step: string }) => `${s.lead} ${s.sequence}/${s.step}`;
    const expected = (JSON.parse(dry.stdout) as RunReport).sent.map(key).sort();
    expect(expected).toHaveLength(EMAILS.length);

    // The server answers nothing until one of the runs has finished, so the two surely overlap.
    const firstExit = deferred();
    sink = await startSmtpSink({ onMessage: () => firstExit.promise.then(() => 'accept' as const) });
    const a = nurtureChild(ws.dir, sink.url, ['run', '--at', AT, '--json']);
    const b = nurtureChild(ws.dir, sink.url, ['run', '--at', AT, '--json']);
    children.push(a, b);
    void Promise.race([a.exited, b.exited]).then(() => firstExit.resolve());
    const [exitA, exitB] = await within(Promise.all([a.exited, b.exited]), 45_000, 'both runs to exit');
    await sink.settled();

    const outcomes = [
      { exit: exitA, child: a },
      { exit: exitB, child: b },
    ];
    const refused = outcomes.filter((o) => o.exit.code === 1);
    // The server holds every reply until one run has exited, so the runs overlap and one is refused.
    expect(refused.length, `exits: ${JSON.stringify([exitA, exitB])}`).toBe(1);
    for (const r of refused) {
      expect(r.child.stderr()).toMatch(
        /^nurture: another run \(#\d+, pid \d+ on .+, started .+\) is using this database; wait for it to finish/,
      );
      expect(r.child.stdout()).toBe('');
    }
    const sent = outcomes
      .filter((o) => o.exit.code === 0)
      .flatMap((o) => (JSON.parse(o.child.stdout()) as RunReport).sent.map(key));
    expect(sent.sort(), 'the union of what they sent is what one run sends').toEqual(expected);
    for (const e of EMAILS) expect(sink.countTo(e), `${e} arrives exactly once`).toBe(1);
    expect(sink.messages).toHaveLength(EMAILS.length);
    expect(query(ws.dbPath, `SELECT status FROM sends WHERE step_id = 'pain' AND status <> 'sent'`)).toEqual([]);
  });
});
