import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, attemptRows, cleanUpAfterEach, type DeliveryWorkspace, deliveryWorkspace, query, sendRows } from './fixture.js';

/**
 * Per-recipient refusals, from a real SMTP server on 127.0.0.1: a 450 is backed off across runs
 * and given up as a soft bounce only after `delivery.softBounceAfter` (P3D by default); a 5.1.1
 * is a hard bounce that suppresses; a 5.7.1 is a policy refusal, recorded, the lead kept.
 */
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(AT) + hours * HOUR).toISOString();

describe('bounces', () => {
  let sink: SmtpSink | undefined;
  let ws: DeliveryWorkspace | undefined;
  cleanUpAfterEach(() => ({ sink, ws }));

  it('a recipient answered 450 for three days of hourly runs is backed off, listed by nurture outbox, then given up as a soft bounce', async () => {
    const stuck = 'bob@acme-analytics.com';
    sink = await startSmtpSink({ reject: (rcpt) => (rcpt === stuck ? 450 : undefined) });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob']));
    const cli = ws.cli(sink.url);
    const failures: { hours: number; reason: string }[] = [];
    let listed = '';
    for (let hours = 0; hours <= 74; hours++) {
      const run = await cli('run', '--at', at(hours), '--json');
      const report = JSON.parse(run.stdout) as RunReport;
      expect(report.halted, `${hours}h: a refused recipient never stops the run`).toBeUndefined();
      for (const f of report.failed) if (f.step === 'pain') failures.push({ hours, reason: f.reason ?? '' });
      if (hours === 30) listed = (await cli('outbox')).stdout;
    }
    // Retries only inside the lead's send window (9–17 in New York, weekdays), backing off.
    const given = failures.at(-1)!;
    expect(failures.slice(0, -1).every((f) => f.reason.startsWith('will retry: 450 '))).toBe(true);
    expect(given.hours, 'given up at the first attempt at or after 72 hours').toBe(72);
    expect(given.reason).toMatch(new RegExp(`^soft bounce: given up after P3D and ${failures.length} attempts; last reply: 450 `));
    // 15, 30, 60, 120 min, then 4 h and 8 h land outside the window: Wednesday 09:00; Thursday is
    // Thanksgiving (a US holiday, no sends); Friday 09:00; Friday 10:00 is the deadline (72 h).
    expect(failures.map((f) => f.hours)).toEqual([0, 1, 2, 3, 5, 23, 71, 72]);
    expect(sendRows(ws.dbPath).find((r) => r.email === stuck && r.stepId === 'pain')).toMatchObject({
      status: 'skipped',
      reason: 'soft bounce: gave up after P3D of temporary failures',
      attempts: failures.length,
    });
    // The pain step's attempts come first (the next step, due at once after the give-up, is refused too).
    const replies = attemptRows(ws.dbPath, stuck).slice(0, failures.length);
    expect(replies).toHaveLength(failures.length);
    expect(replies.every((a) => a.ok === 0 && a.permanent === 0 && /^450 /.test(a.response))).toBe(true);
    expect(query(ws.dbPath, 'SELECT 1 FROM leads WHERE suppressed_reason IS NOT NULL'), 'a soft bounce suppresses nobody').toEqual([]);

    expect(listed).toContain('1 touch(es) backing off after temporary refusals (given up as a soft bounce after P3D):');
    expect(listed).toMatch(/bob@acme-analytics\.com\s+new-signups\/pain\s+\d+\s+2026-11-25T\S+\s+2026-11-27T10:00:00-05:00\s+450 /);
    const after = JSON.parse((await cli('outbox', '--json')).stdout) as { backingOff: { lead: string; step: string }[] };
    expect(after.backingOff.map((b) => `${b.lead} ${b.step}`), 'pain is given up; the next step is refused in turn').toEqual([`${stuck} future`]);
    await sink.settled();
    expect(sink.countTo(stuck)).toBe(0);
    expect(sink.countTo('ann@acme-analytics.com'), 'the other lead goes on: pain, then future three days later').toBe(2);
  });

  it('550 5.1.1 is a hard bounce that suppresses; 550 5.7.1 is a policy refusal, recorded, and the lead keeps its next touches', async () => {
    let policyRefusals = 0;
    sink = await startSmtpSink({
      onMessage: (t) => {
        if (t.to.includes('bob@acme-analytics.com')) return { code: 550, message: '5.1.1 <bob@acme-analytics.com>: user unknown' };
        if (t.to.includes('cyd@acme-analytics.com') && policyRefusals++ === 0) return { code: 550, message: '5.7.1 message refused by policy' };
        return 'accept';
      },
    });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    const cli = ws.cli(sink.url);
    const first = await cli('run', '--at', AT, '--json');
    expect(first.status).toBe(1);
    const failed = (JSON.parse(first.stdout) as RunReport).failed.map((f) => `${f.lead} ${f.reason}`).sort();
    expect(failed).toEqual([
      'bob@acme-analytics.com hard bounce: 550 5.1.1 <bob@acme-analytics.com>: user unknown',
      'cyd@acme-analytics.com refused by policy: 550 5.7.1 message refused by policy',
    ]);
    expect(query(ws.dbPath, 'SELECT email, suppressed_reason AS reason FROM leads WHERE suppressed_reason IS NOT NULL')).toEqual([
      { email: 'bob@acme-analytics.com', reason: 'bounced' },
    ]);
    expect(sendRows(ws.dbPath).filter((r) => r.stepId === 'pain').map((r) => [r.email, r.status, r.reason])).toEqual([
      ['ann@acme-analytics.com', 'sent', expect.any(String)],
      ['bob@acme-analytics.com', 'skipped', 'hard bounce: the address does not exist'],
      ['cyd@acme-analytics.com', 'skipped', 'refused by policy (lead not suppressed)'],
    ]);
    expect(attemptRows(ws.dbPath).filter((a) => a.ok === 0).map((a) => [a.email, a.permanent])).toEqual([
      ['bob@acme-analytics.com', 1],
      ['cyd@acme-analytics.com', 1],
    ]);

    // Next week: cyd (not suppressed) gets its next step; bob never again.
    const later = await cli('run', '--at', '2026-11-30T15:00:00Z', '--json');
    expect(later.status, later.stderr).toBe(0);
    expect((JSON.parse(later.stdout) as RunReport).sent.map((s) => `${s.lead} ${s.step}`).sort()).toEqual([
      'ann@acme-analytics.com future',
      'cyd@acme-analytics.com future',
    ]);
    await sink.settled();
    expect(sink.countTo('bob@acme-analytics.com')).toBe(0);
    expect(sink.countTo('cyd@acme-analytics.com')).toBe(1);
  });
});
