import { afterEach, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import {
  acmeLeads,
  type Child,
  type DeliveryWorkspace,
  deliveryWorkspace,
  holdFirstMessage,
  nurtureChild,
  query,
  sendRows,
  stopChildren,
  within,
} from './fixture.js';

/**
 * The worker runs on the real clock, so its workspace keeps the send window open all week and
 * ignores holidays; one pooled connection makes "the message in flight" exactly one message.
 */
const ALWAYS_OPEN = (yaml: string) =>
  `${yaml
    .replace(/^sendWindow:.*$/m, 'sendWindow: { days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }')
    .replace(/^holidays:.*$/m, 'holidays: false')}\nsmtpPool: { connections: 1 }\n`;

let sink: SmtpSink | undefined;
let ws: DeliveryWorkspace | undefined;
let worker: Child | undefined;
afterEach(async () => {
  await stopChildren([worker]);
  await sink?.close();
  ws?.cleanup();
});

it('nurture worker on SIGTERM finishes the message in flight, records it, sends nothing more and exits 0', async () => {
  const { held, release, onMessage } = holdFirstMessage();
  sink = await startSmtpSink({ onMessage });
  ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']), ALWAYS_OPEN);
  worker = nurtureChild(ws.dir, sink.url, ['worker', '--every', 'PT1H']);

  const transfer = await within(held.promise, 15_000, `the worker's first message (stderr: ${worker.stderr()})`);
  const inFlight = transfer.to[0]!;
  worker.process.kill('SIGTERM');
  // The reply is released only once the worker has heard the signal: it must still finish this one.
  await within(worker.stderrIncludes('nurture worker: stopping; finishing the message in flight first'), 5_000, 'the worker to acknowledge SIGTERM');
  release.resolve();
  const exit = await within(worker.exited, 10_000, `the worker to exit after SIGTERM (stdout: ${worker.stdout()})`);
  expect(exit, worker.stderr()).toEqual({ code: 0, signal: null });
  expect(worker.stdout()).toContain('Nurture worker stopped.');
  await sink.settled();

  expect(sink.transfers, 'nothing is sent after the signal').toHaveLength(1);
  expect(sink.messages).toHaveLength(1);
  expect(sink.countTo(inFlight)).toBe(1);
  const rows = sendRows(ws.dbPath);
  expect(rows.filter((r) => r.status === 'sending'), 'no row left uncertain').toEqual([]);
  expect(rows.filter((r) => r.status === 'sent').map((r) => r.email)).toEqual([inFlight]);
  expect(query(ws.dbPath, 'SELECT ok FROM delivery_attempts')).toEqual([{ ok: 1 }]);
  expect(query<{ status: string }>(ws.dbPath, 'SELECT status FROM runs').map((r) => r.status)).toEqual(['finished']);
  expect(query(ws.dbPath, 'SELECT 1 FROM run_lock')).toEqual([]);
});

it('a worker that finds another run holding the database skips that tick and keeps running', async () => {
  const { held, release, onMessage } = holdFirstMessage();
  sink = await startSmtpSink({ onMessage });
  ws = await deliveryWorkspace(acmeLeads(['ann', 'bob']), ALWAYS_OPEN);
  const run = nurtureChild(ws.dir, sink.url, ['run', '--at', '2026-11-24T15:00:00Z']);
  try {
    await within(held.promise, 15_000, `the run's first message (stderr: ${run.stderr()})`);
    worker = nurtureChild(ws.dir, sink.url, ['worker', '--every', 'PT1H']);
    await within(
      worker.stderrIncludes('nurture worker: skipped this run: another run (#1, pid'),
      15_000,
      `the worker to report the lock (stderr: ${worker.stderr()})`,
    );
    release.resolve();
    expect(await within(run.exited, 10_000, 'the run to finish')).toEqual({ code: 0, signal: null });
    expect(worker.process.exitCode, 'the worker is still running').toBeNull();
    worker.process.kill('SIGTERM');
    expect(await within(worker.exited, 10_000, 'the worker to stop')).toEqual({ code: 0, signal: null });
    expect(worker.stdout()).toContain('Nurture worker stopped.');
    await sink.settled();
    expect(sink.messages).toHaveLength(2);
  } finally {
    if (run.process.exitCode === null && run.process.signalCode === null) run.process.kill('SIGKILL');
    await run.exited;
  }
});
