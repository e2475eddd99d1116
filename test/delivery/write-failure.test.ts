import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, type DeliveryWorkspace, deliveryWorkspace, sendRows, within, withConnections, cleanUpAfterEach } from './fixture.js';

/**
 * The database refuses to record one message's outcome (a trigger stands in for a disk that
 * fails): the run stops claiming, lets the messages already in hand finish and be recorded, and
 * only then fails, releasing its lock. The next run reports the one unrecorded message as
 * uncertain and sends the rest.
 */
const NAMES = ['ann', 'bob', 'cyd', 'dee', 'eve', 'fay', 'gus', 'hal'];

let sink: SmtpSink | undefined;
let ws: DeliveryWorkspace | undefined;
cleanUpAfterEach(() => ({ sink, ws }));

it('a failed write stops the claims, lets the messages in hand be recorded, then fails the run and frees the database', async () => {
  sink = await startSmtpSink();
  ws = await deliveryWorkspace(acmeLeads(NAMES), withConnections(2));
  const db = new Database(ws.dbPath);
  db.exec(`CREATE TRIGGER disk_trouble BEFORE INSERT ON delivery_attempts
             WHEN (SELECT l.email FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.id = NEW.send_id) = 'cyd@acme-analytics.com'
             BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;`);
  db.close();

  // Not a user error: the CLI lets it through, and the process exits with its stack trace.
  await expect(within(ws.cli(sink.url)('run', '--at', AT, '--json'), 15_000, 'the run to fail')).rejects.toThrow('disk trouble');
  await sink.settled();
  const received = new Set(sink.messages.map((m) => (Array.isArray(m.to) ? '' : m.to?.value[0]?.address)));
  const rows = sendRows(ws.dbPath);
  // What reached the server is recorded as sent, but for the one message whose outcome could not be written.
  expect(rows.filter((r) => r.status === 'sending').map((r) => r.email)).toEqual(['cyd@acme-analytics.com']);
  expect(rows.filter((r) => r.status === 'sent').map((r) => r.email).sort()).toEqual([...received].filter((e) => e !== 'cyd@acme-analytics.com').sort());
  // No claim once the failure is known: besides cyd and those before it, only what was in hand
  // (one per connection, the claim committed with cyd's failed outcome among them) went out.
  expect(received.size).toBeLessThanOrEqual(NAMES.indexOf('cyd') + 1 + 2);
  expect(rows.filter((r) => r.status === 'planned').length).toBeGreaterThan(0);

  // The lock is free: the next run goes ahead, reports cyd as uncertain and sends everyone else.
  const next = await within(ws.cli(sink.url)('run', '--at', AT, '--json'), 15_000, 'the next run');
  expect(next.status, next.stderr).toBe(0);
  const report = JSON.parse(next.stdout) as RunReport;
  expect(report.skipped.filter((s) => s.reason?.startsWith('uncertain')).map((s) => s.lead)).toEqual(['cyd@acme-analytics.com']);
  await sink.settled();
  for (const name of NAMES) expect(sink.countTo(`${name}@acme-analytics.com`), name).toBe(1);
});
