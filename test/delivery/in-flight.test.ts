import { expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, type DeliveryWorkspace, deferred, deliveryWorkspace, sendRows, within, withConnections, cleanUpAfterEach } from './fixture.js';

/**
 * A claimed row is a message on the wire, however many are due: with the server holding every
 * reply, the database shows exactly one `sending` row per pooled connection, which is all a crash
 * at that moment could leave uncertain.
 */
const NAMES = ['ann', 'bob', 'cyd', 'dee', 'eve', 'fay'];

let sink: SmtpSink | undefined;
let ws: DeliveryWorkspace | undefined;
cleanUpAfterEach(() => ({ sink, ws }));

it('claims no further ahead than the pooled connections, however many messages are due', async () => {
  const release = deferred();
  const twoHeld = deferred();
  sink = await startSmtpSink({
    onMessage: (t) => {
      if (t.index === 1) twoHeld.resolve();
      return release.promise.then(() => 'accept' as const);
    },
  });
  ws = await deliveryWorkspace(acmeLeads(NAMES), withConnections(2));
  const run = ws.cli(sink.url)('run', '--at', AT, '--json');

  await within(twoHeld.promise, 15_000, 'two messages to reach the server');
  expect(sink.transfers).toHaveLength(2);
  const rows = sendRows(ws.dbPath);
  expect(rows.filter((r) => r.status === 'sending').map((r) => r.email).sort()).toEqual(sink.transfers.flatMap((t) => t.to).sort());
  expect(rows.filter((r) => r.status === 'sent')).toEqual([]);

  release.resolve();
  const done = await within(run, 15_000, 'the run to finish');
  expect(done.status, done.stderr).toBe(0);
  expect((JSON.parse(done.stdout) as RunReport).sent).toHaveLength(NAMES.length);
  expect(sendRows(ws.dbPath).filter((r) => r.status !== 'sent' && r.status !== 'planned')).toEqual([]);
});
