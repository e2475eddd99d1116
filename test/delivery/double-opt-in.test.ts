import { expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, type DeliveryWorkspace, deliveryWorkspace, query, cleanUpAfterEach } from './fixture.js';

const HOUR = 3_600_000;

let sink: SmtpSink | undefined;
let ws: DeliveryWorkspace | undefined;
cleanUpAfterEach(() => ({ sink, ws }));

it('a pending lead gets exactly one confirmation email across several runs, and no nurture email', async () => {
  const pending = 'pat@acme-analytics.com';
  sink = await startSmtpSink();
  ws = await deliveryWorkspace([...acmeLeads(['pat'], 'pending'), ...acmeLeads(['ann'])]);
  const cli = ws.cli(sink.url);

  const sent: RunReport['sent'] = [];
  // Hourly through the day, then next week (when new-signups' second step is due for ann).
  const moments = [0, 1, 2, 5, 24, 6 * 24].map((h) => new Date(Date.parse(AT) + h * HOUR).toISOString());
  for (const at of moments) {
    const run = await cli('run', '--at', at, '--json');
    expect(run.status, run.stderr).toBe(0);
    sent.push(...(JSON.parse(run.stdout) as RunReport).sent);
  }
  await sink.settled();

  const toPending = sink.messagesTo(pending);
  expect(toPending, 'one message to the pending lead').toHaveLength(1);
  expect(toPending[0]!.headers.get('x-nurture-sequence')).toBe('double-opt-in');
  expect(toPending[0]!.headers.get('x-nurture-step')).toBe('confirm');
  expect(toPending[0]!.text ?? '').toMatch(/\/k\//);
  expect(sent.filter((s) => s.lead === pending)).toMatchObject([{ sequence: 'double-opt-in', step: 'confirm' }]);

  // The confirmed lead is nurtured as usual: proof the runs did send nurture mail meanwhile.
  const toAnn = sink.messagesTo('ann@acme-analytics.com');
  expect(toAnn.map((m) => m.headers.get('x-nurture-sequence'))).toEqual(['new-signups', 'new-signups']);
  expect(
    query(ws.dbPath, `SELECT 1 FROM sends s JOIN leads l ON l.id = s.lead_id WHERE l.email = ?`, pending),
    'no nurture send is even recorded for the pending lead',
  ).toEqual([]);
  expect(query(ws.dbPath, `SELECT status, attempts FROM confirmations`)).toEqual([{ status: 'sent', attempts: 1 }]);
});
