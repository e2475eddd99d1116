import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, attemptRows, type DeliveryWorkspace, deliveryWorkspace, query, sendRows } from './fixture.js';

/**
 * What the server answers decides what is recorded: a 5xx is final and suppresses the address,
 * a 4xx or a dropped connection is retried by a later run, and every attempt keeps the reply.
 * Assertions are on what the SMTP server actually received.
 */
const MINUTE = 60_000;
const at = (offsetMs: number) => new Date(Date.parse(AT) + offsetMs).toISOString();
/** Monday 2026-11-30, 10:00 in New York: the second step (P3D) of new-signups is due. */
const NEXT_WEEK = '2026-11-30T15:00:00Z';

describe('SMTP replies', () => {
  let sink: SmtpSink | undefined;
  let ws: DeliveryWorkspace | undefined;
  afterEach(async () => {
    await sink?.close();
    ws?.cleanup();
    sink = undefined;
    ws = undefined;
  });

  it('a 550 for a recipient is recorded, suppresses the lead for good, and the others still arrive', async () => {
    const leads = acmeLeads(['ann', 'bob', 'cyd', 'dee']);
    const refused = new Set(['bob@acme-analytics.com', 'dee@acme-analytics.com']);
    sink = await startSmtpSink({ reject: (rcpt) => (refused.has(rcpt) ? 550 : undefined) });
    ws = await deliveryWorkspace(leads);
    const cli = ws.cli(sink.url);

    const first = await cli('run', '--at', AT);
    expect(first.status, 'a run with rejected messages exits 1').toBe(1);
    for (const email of refused) {
      expect(first.stderr).toContain(`failed: ${email} new-signups/pain: hard bounce: 550`);
    }
    await sink.settled();
    expect(sink.countTo('ann@acme-analytics.com')).toBe(1);
    expect(sink.countTo('cyd@acme-analytics.com')).toBe(1);
    expect(sink.messages).toHaveLength(2);

    const rows = sendRows(ws.dbPath);
    for (const email of refused) {
      const row = rows.find((r) => r.email === email)!;
      expect(row).toMatchObject({ status: 'skipped', reason: 'hard bounce: the address does not exist', attempts: 1 });
      expect(row.lastResponse).toMatch(/^550 /);
      const attempts = attemptRows(ws.dbPath, email);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ ok: 0, permanent: 1 });
      expect(attempts[0]!.response).toMatch(/^550 .*rejected/);
    }
    const suppressed = query<{ email: string; reason: string }>(
      ws.dbPath,
      'SELECT email, suppressed_reason AS reason FROM leads WHERE suppressed_reason IS NOT NULL ORDER BY email',
    );
    expect(suppressed).toEqual([...refused].sort().map((email) => ({ email, reason: 'bounced' })));

    // Later runs: the same moment again, then next week when the second step is due for the others.
    sink.transfers.length = 0;
    const again = await cli('run', '--at', AT, '--json');
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as RunReport).sent).toEqual([]);
    const later = await cli('run', '--at', NEXT_WEEK, '--json');
    expect(later.status, later.stderr).toBe(0);
    const sentLater = (JSON.parse(later.stdout) as RunReport).sent.map((s) => `${s.lead} ${s.step}`).sort();
    expect(sentLater).toEqual(['ann@acme-analytics.com future', 'cyd@acme-analytics.com future']);
    await sink.settled();
    for (const email of refused) expect(sink.countTo(email), `${email} is never mailed again`).toBe(0);
    expect(sink.transfers.flatMap((t) => t.to).filter((to) => refused.has(to))).toEqual([]);
    expect(sink.messages).toHaveLength(4);
  });

  it('a relay that refuses our sender (5xx to MAIL FROM) stops the run: nobody bounced, no attempt counted, all sent once it accepts', async () => {
    let relayBroken = true;
    sink = await startSmtpSink({ rejectSender: () => (relayBroken ? 550 : undefined) });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    const cli = ws.cli(sink.url);

    const first = await cli('run', '--at', AT, '--json');
    expect(first.status).toBe(1);
    const report = JSON.parse(first.stdout) as RunReport;
    expect(report.sent).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(report.halted).toMatchObject({ cause: 'relay refused our sender', relay: sink.url, waiting: 3 });
    expect(first.stderr).toContain(
      `nurture run: stopped sending: relay refused our sender: 550 sender maya@tidewater.example not allowed (${sink.url}); nothing was sent, 3 touches due now wait planned`,
    );
    expect(query(ws.dbPath, 'SELECT email FROM leads WHERE suppressed_reason IS NOT NULL'), 'nobody bounced').toEqual([]);
    expect(sendRows(ws.dbPath).map((r) => [r.status, r.attempts])).toEqual([
      ['planned', 0],
      ['planned', 0],
      ['planned', 0],
    ]);
    expect(attemptRows(ws.dbPath), 'no attempt counted against any lead').toEqual([]);

    relayBroken = false;
    const hourly = await cli('run', '--at', at(60 * MINUTE), '--json');
    expect(hourly.status, hourly.stderr).toBe(0);
    expect((JSON.parse(hourly.stdout) as RunReport).sent).toHaveLength(3);
    await sink.settled();
    for (const l of ['ann', 'bob', 'cyd']) expect(sink.countTo(`${l}@acme-analytics.com`)).toBe(1);
  });

  it('a 5xx at the end of DATA is final for that message; only a 5.1.x (bad address) suppresses the lead, a 5.7.x is a policy refusal', async () => {
    sink = await startSmtpSink({
      onMessage: (t) => {
        if (t.to.includes('ann@acme-analytics.com')) return { code: 554, message: '5.7.1 message content rejected' };
        if (t.to.includes('bob@acme-analytics.com')) return { code: 550, message: '5.1.1 mailbox unavailable' };
        return 'accept';
      },
    });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    const first = await ws.cli(sink.url)('run', '--at', AT, '--json');
    expect(first.status).toBe(1);
    const failed = (JSON.parse(first.stdout) as RunReport).failed.map((f) => `${f.lead} ${f.reason}`).sort();
    expect(failed).toEqual([
      'ann@acme-analytics.com refused by policy: 554 5.7.1 message content rejected',
      'bob@acme-analytics.com hard bounce: 550 5.1.1 mailbox unavailable',
    ]);
    expect(sendRows(ws.dbPath).filter((r) => r.stepId === 'pain').map((r) => [r.email, r.status])).toEqual([
      ['ann@acme-analytics.com', 'skipped'],
      ['bob@acme-analytics.com', 'skipped'],
      ['cyd@acme-analytics.com', 'sent'],
    ]);
    expect(query(ws.dbPath, 'SELECT email FROM leads WHERE suppressed_reason IS NOT NULL')).toEqual([
      { email: 'bob@acme-analytics.com' },
    ]);
    await sink.settled();
    expect(sink.messages.map((m) => m.headers.get('x-nurture-step'))).toEqual(['pain']);
  });

  it('a 451 once, then accepted: a failed attempt, retried by the run 30 minutes later, arrives once', async () => {
    const flaky = 'bob@acme-analytics.com';
    let refusals = 0;
    sink = await startSmtpSink({
      reject: (rcpt) => (rcpt === flaky && refusals++ === 0 ? 451 : undefined),
    });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    const cli = ws.cli(sink.url);

    const first = await cli('run', '--at', AT, '--json');
    expect(first.status).toBe(1);
    const report = JSON.parse(first.stdout) as RunReport;
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ lead: flaky, sequence: 'new-signups', step: 'pain' });
    expect(report.failed[0]!.reason).toMatch(/^will retry: 451 /);
    expect(sendRows(ws.dbPath).find((r) => r.email === flaky)).toMatchObject({
      status: 'failed',
      reason: 'send failed; will retry',
      attempts: 1,
    });
    await sink.settled();
    expect(sink.countTo(flaky)).toBe(0);

    // Ten minutes later the 15-minute backoff still holds: reported as deferred, nothing sent.
    const early = await cli('run', '--at', at(10 * MINUTE), '--json');
    expect(early.status, early.stderr).toBe(0);
    const earlyReport = JSON.parse(early.stdout) as RunReport;
    expect(earlyReport.sent).toEqual([]);
    expect(earlyReport.skipped.find((s) => s.lead === flaky)?.reason).toMatch(/^deferred: retrying a failed send/);

    const retry = await cli('run', '--at', at(30 * MINUTE), '--json');
    expect(retry.status, retry.stderr).toBe(0);
    expect((JSON.parse(retry.stdout) as RunReport).sent.map((s) => s.lead)).toEqual([flaky]);
    await sink.settled();
    expect(sink.countTo(flaky)).toBe(1);
    expect(sink.messages).toHaveLength(3);
    const attempts = attemptRows(ws.dbPath, flaky);
    expect(attempts.map((a) => a.ok)).toEqual([0, 1]);
    expect(attempts[0]).toMatchObject({ permanent: 0 });
    expect(attempts[0]!.response).toMatch(/^451 /);
    expect(attempts[1]!.response).toMatch(/^250 /);
    expect(sendRows(ws.dbPath).find((r) => r.email === flaky)).toMatchObject({ status: 'sent', attempts: 2 });
    // The Message-ID is the enrolment step's, whichever attempt carried it.
    const [stored] = query<{ messageId: string }>(
      ws.dbPath,
      `SELECT s.message_id AS messageId FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ? AND s.step_id = 'pain'`,
      flaky,
    );
    expect(sink.messagesTo(flaky)[0]!.messageId).toBe(stored!.messageId);
    expect(query(ws.dbPath, 'SELECT 1 FROM leads WHERE suppressed_reason IS NOT NULL')).toEqual([]);

    // The next hourly run sends nothing more to anyone.
    const hourly = await cli('run', '--at', at(60 * MINUTE), '--json');
    expect((JSON.parse(hourly.stdout) as RunReport).sent).toEqual([]);
    await sink.settled();
    expect(sink.messages).toHaveLength(3);
  });

  it('a connection dropped during DATA is the relay failing: the run stops, the touch waits uncounted, and it arrives once later', async () => {
    const victim = 'cyd@acme-analytics.com';
    let drops = 0;
    sink = await startSmtpSink({
      onDataStart: (t) => (t.to.includes(victim) && drops++ === 0 ? 'destroy' : undefined),
    });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    const cli = ws.cli(sink.url);

    const first = await cli('run', '--at', AT, '--json');
    expect(first.status).toBe(1);
    const report = JSON.parse(first.stdout) as RunReport;
    expect(report.failed).toEqual([]);
    expect(report.halted?.cause).toBe('connection to the relay was lost');
    expect(drops).toBe(1);
    expect(sendRows(ws.dbPath).find((r) => r.email === victim)).toMatchObject({ status: 'planned', attempts: 0 });
    expect(attemptRows(ws.dbPath, victim)).toEqual([]);
    await sink.settled();
    expect(sink.countTo(victim)).toBe(0);

    const hourly = await cli('run', '--at', at(60 * MINUTE), '--json');
    expect(hourly.status, hourly.stderr).toBe(0);
    expect((JSON.parse(hourly.stdout) as RunReport).sent.map((s) => s.lead)).toContain(victim);
    await sink.settled();
    for (const l of ['ann', 'bob', 'cyd']) expect(sink.countTo(`${l}@acme-analytics.com`)).toBe(1);
    expect(attemptRows(ws.dbPath, victim).map((a) => a.ok)).toEqual([1]);
    expect(query(ws.dbPath, `SELECT 1 FROM sends WHERE status IN ('sending', 'failed')`)).toEqual([]);
  });
});
